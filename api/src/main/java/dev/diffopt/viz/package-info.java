/**
 * Graphviz views of diffopt's structures, TorchOpt's {@code make_dot}: {@link
 * dev.diffopt.viz.DotGraph} (a DOT graph with escaping, written and read back), {@link
 * dev.diffopt.viz.TreeDot} (a pytree's structure and leaves) and {@link
 * dev.diffopt.viz.DotLabels} (the label texts the backends' graph exports share). Render with
 * {@code dot -Tsvg graph.dot -o graph.svg}.
 */
package dev.diffopt.viz;
