#ifndef SPIN_CLMDB_SHIM_H
#define SPIN_CLMDB_SHIM_H
#include <lmdb.h>
#endif
