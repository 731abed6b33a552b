package io.dualmode.registry.naming;

import java.util.List;

/** One page of plain service names within a group, and how many there are in all. */
public record ServiceList(int count, List<String> names) {}
