#ifndef SPIN_CSYSTEMD_SHIM_H
#define SPIN_CSYSTEMD_SHIM_H
#include <systemd/sd-bus.h>
#endif
