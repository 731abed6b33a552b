package io.dualmode.starter.sofa.demo;

import io.dualmode.starter.sofa.DualmodeSofaService;

/** Exported by the starter; the uniqueId comes from the test's fresh token. */
@DualmodeSofaService(uniqueId = "${test.unique-id}")
public class GreeterImpl implements Greeter {

    @Override
    public String greet(String name) {
        return "hello " + name;
    }
}
