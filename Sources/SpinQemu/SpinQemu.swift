/// SpinQemu: QMP, the QEMU command line and qemu-img.
public enum SpinQemuModule {}
