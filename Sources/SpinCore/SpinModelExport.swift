/// Everything `SpinModel` declares (entities, validation, ``SpinError``, the service protocol)
/// is part of `import SpinCore` too.
@_exported import SpinModel
