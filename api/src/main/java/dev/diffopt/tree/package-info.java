/**
 * Pytrees: nested structures of lists, maps, records, arrays, optionals and user-registered node
 * types whose leaves are arbitrary objects (typically tensors), after optree / JAX pytrees.
 *
 * <p>A tree is flattened into its leaves, in a deterministic order, and a {@link
 * dev.diffopt.tree.TreeSpec} describing its structure; the spec rebuilds a tree of the same shape
 * from new leaves. {@link dev.diffopt.tree.Trees} offers the usual operations (map over one or
 * several trees, map with {@link dev.diffopt.tree.KeyPath}s, reduce, transpose, prefix
 * broadcasting) on the global {@link dev.diffopt.tree.TreeRegistry}; the same operations exist on
 * every registry instance.
 *
 * <p>Which objects are nodes is described in {@link dev.diffopt.tree.TreeRegistry}; the string
 * forms of specs and paths in {@link dev.diffopt.tree.TreeSpec} and {@link
 * dev.diffopt.tree.KeyPath}. Structural mismatches are reported with {@link
 * dev.diffopt.tree.TreeMismatchException}, which names the first differing path and prints both
 * structures.
 */
package dev.diffopt.tree;
