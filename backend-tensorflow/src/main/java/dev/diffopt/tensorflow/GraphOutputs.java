package dev.diffopt.tensorflow;

import dev.diffopt.tensor.Tensor;
import dev.diffopt.tree.Flat;
import dev.diffopt.tree.KeyPath;
import dev.diffopt.tree.TreeSpec;
import dev.diffopt.tree.Trees;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Output;

/**
 * The tree a traced function returned, split into graph values to fetch and leaves that are not
 * tensors (kept as they were traced), and rebuilt from the fetched values after a run. A tensor
 * leaf the function read from outside (an eager capture) is fetched too, so every run returns its
 * value at that run.
 */
final class GraphOutputs {
  private final TreeSpec spec;
  /** Per leaf: its index in {@link #fetches}, or -1 for a leaf kept as it is. */
  private final int[] fetchIndex;
  private final Object[] kept;
  /** The graph values to fetch, in order. */
  final List<Output<?>> fetches;

  private GraphOutputs(TreeSpec spec, int[] fetchIndex, Object[] kept, List<Output<?>> fetches) {
    this.spec = spec;
    this.fetchIndex = fetchIndex;
    this.kept = kept;
    this.fetches = fetches;
  }

  /** Splits {@code result}, a tree built while {@code trace} was open (before it closes). */
  static GraphOutputs of(Trace trace, Object result, String what) {
    Flat flat = Trees.flatten(result);
    int n = flat.leaves().size();
    int[] fetchIndex = new int[n];
    Object[] kept = new Object[n];
    List<Output<?>> fetches = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Object leaf = flat.leaves().get(i);
      if (leaf instanceof Tensor t) {
        fetchIndex[i] = fetches.size();
        fetches.add(trace.in(trace.backend.tfOps().unwrap(t, what)));
      } else {
        fetchIndex[i] = -1;
        kept[i] = leaf;
      }
    }
    return new GraphOutputs(flat.spec(), fetchIndex, kept, fetches);
  }

  /** The paths of the fetched leaves in the output tree, in the order of {@link #fetches}. */
  List<KeyPath> fetchPaths() {
    List<KeyPath> paths = spec.paths();
    List<KeyPath> out = new ArrayList<>(fetches.size());
    for (int i = 0; i < fetchIndex.length; i++) {
      if (fetchIndex[i] >= 0) {
        out.add(paths.get(i));
      }
    }
    return out;
  }

  /** The result tree with the fetched {@code values} (one per fetch) as new eager tensors. */
  Object rebuild(TfTensorOps ops, org.tensorflow.Tensor[] values) {
    Object[] leaves = new Object[fetchIndex.length];
    for (int i = 0; i < leaves.length; i++) {
      leaves[i] = fetchIndex[i] < 0 ? kept[i] : ops.eager(values[fetchIndex[i]]);
    }
    return spec.unflatten(Arrays.asList(leaves));
  }
}
