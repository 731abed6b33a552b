package io.dualmode.bench.dubbo;

/** The service {@link DubboBench} calls: echoes its payload. */
public interface Echo {

    byte[] echo(byte[] payload);
}
