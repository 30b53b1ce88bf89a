/// The spin HTTP API: types, server stubs and client generated from `openapi.yaml`.
public enum SpinAPIModule {}
