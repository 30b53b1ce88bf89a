import SpinStore
import SpinQemu
/// SpinCore: the spin SDK.
public enum SpinCoreModule {}
