package dev.diffopt.transform;

import dev.diffopt.schedule.Schedule;
import dev.diffopt.tensor.DType;
import dev.diffopt.tensor.Tensor;
import dev.diffopt.tensor.TensorTrees;
import dev.diffopt.tree.Trees;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Holds hyper-parameters in the <em>state</em>, as 0-d tensors, so that they can be scheduled,
 * changed between steps, checkpointed or differentiated (optax {@code inject_hyperparams}). The
 * transformation is given as a factory from the hyper-parameter tensors to a transformation, and
 * initial values by name:
 *
 * <pre>
 *   init:    h_k = v_k (a Number, as a 0-d tensor) | s_k(0) (a Schedule) | T_k (a Tensor, as is)
 *            state = (t = 0, h, factory(h).init(params))
 *   update:  h_k ← s_k(t) for the scheduled names; the others keep the state's tensors
 *            (u, s_inner) ← factory(h).update(u, s_inner, params);   t ← t + 1
 * </pre>
 *
 * <p>The state's {@code hyperparams} are the values used by the last update (the initial values
 * after {@link #init}). A tensor given as an initial value is put into the state as it is, so an
 * update is differentiable with respect to it: that is how a learnable learning rate gets its
 * meta-gradient. Numbers and schedules become tensors of the dtype of the first floating leaf of
 * the parameters.
 *
 * <h2>What it covers</h2>
 *
 * The factory receives {@code Map<String, Tensor>}, so only transformations that accept tensors
 * can be driven by it. diffopt ships two: {@link ScaleByTensor} (a scale or the learning-rate step)
 * and {@link AddDecayedWeightsByTensor} (weight decay). {@link #learningRate} and {@link
 * #learningRateAndWeightDecay} build the common cases from any base transformation (e.g. {@code
 * ScaleByAdam}): the learning rate and the weight decay are injectable, while the base's own
 * hyper-parameters (β₁, β₂, ε, momentum…) stay fixed {@code double}s. A transformation whose
 * hyper-parameters are {@code double}s cannot be rebuilt from tensors without a host read; use
 * {@link #of} with your own tensor-aware transformations for anything else.
 *
 * <p>The factory is called on every {@link #update} and must return transformations with states
 * of the same structure. Equality is the record's: factories compare by identity, except the
 * presets, which are records.
 *
 * @param factory hyper-parameter tensors by name → the transformation to apply
 * @param initial name → initial value: a finite {@link Number}, a {@link Schedule} or a 0-d
 *     floating {@link Tensor}; copied into an unmodifiable map sorted by name
 */
public record InjectHyperparams(
    Function<Map<String, Tensor>, GradientTransformation> factory,
    SortedMap<String, Object> initial)
    implements GradientTransformation {

  /** The name of the learning rate in {@link #learningRate} and {@link #learningRateAndWeightDecay}. */
  public static final String LEARNING_RATE = "learningRate";

  /** The name of the weight decay in {@link #learningRateAndWeightDecay}. */
  public static final String WEIGHT_DECAY = "weightDecay";

  /**
   * The state.
   *
   * @param count the step t, a 0-d INT64 tensor ({@code null} for a tree without leaves)
   * @param hyperparams name → 0-d tensor, the values used by the last update
   * @param inner the inner transformation's state
   */
  public record State(Tensor count, Map<String, Tensor> hyperparams, Object inner) {}

  /**
   * The preset factory of {@link #learningRate} and {@link #learningRateAndWeightDecay}: {@code
   * chain(base, [addDecayedWeights(h[weightDecay])], scaleByLearningRate(h[learningRate]))}.
   *
   * @param base the transformation before the decay and the learning rate
   * @param weightDecay whether to add decoupled weight decay
   */
  public record LearningRateFactory(GradientTransformation base, boolean weightDecay)
      implements Function<Map<String, Tensor>, GradientTransformation> {

    /**
     * Validates the base.
     *
     * @param base the base transformation
     * @param weightDecay whether to decay
     */
    public LearningRateFactory {
      if (base == null) {
        throw new NullPointerException("base transformation is null");
      }
    }

    @Override
    public GradientTransformation apply(Map<String, Tensor> h) {
      GradientTransformation lr = ScaleByTensor.learningRate(h.get(LEARNING_RATE));
      return weightDecay
          ? Chain.of(base, new AddDecayedWeightsByTensor(h.get(WEIGHT_DECAY)), lr)
          : Chain.of(base, lr);
    }
  }

  /**
   * Validates and copies the arguments.
   *
   * @param factory the factory
   * @param initial the initial values
   */
  public InjectHyperparams {
    if (factory == null) {
      throw new NullPointerException("injectHyperparams: factory is null");
    }
    if (initial == null) {
      throw new NullPointerException("injectHyperparams: initial values are null");
    }
    TreeMap<String, Object> copy = new TreeMap<>();
    for (Map.Entry<String, Object> e : initial.entrySet()) {
      String name = e.getKey();
      Object v = e.getValue();
      if (name == null) {
        throw new NullPointerException("injectHyperparams: a hyper-parameter name is null");
      }
      if (v instanceof Number n) {
        double d = n.doubleValue();
        if (!Double.isFinite(d)) {
          throw new IllegalArgumentException(
              "hyper-parameter " + name + " must be finite, got " + d);
        }
        v = d;
      } else if (v instanceof Tensor t) {
        ScaleByTensor.requireScalar("hyper-parameter " + name, t);
      } else if (!(v instanceof Schedule)) {
        throw new IllegalArgumentException(
            "hyper-parameter " + name + " must be a Number, a Schedule or a 0-d Tensor, got "
                + (v == null ? "null" : v.getClass().getName()));
      }
      copy.put(name, v);
    }
    initial = Collections.unmodifiableSortedMap(copy);
  }

  /**
   * Injects the given hyper-parameters into the transformation {@code factory} builds.
   *
   * @param factory hyper-parameter tensors → transformation
   * @param initial name → Number, Schedule or 0-d Tensor
   * @return the transformation
   */
  public static InjectHyperparams of(
      Function<Map<String, Tensor>, GradientTransformation> factory, Map<String, ?> initial) {
    if (initial == null) {
      throw new NullPointerException("injectHyperparams: initial values are null");
    }
    return new InjectHyperparams(factory, new TreeMap<>(initial));
  }

  /**
   * {@code chain(base, scaleByLearningRate(η))} with η injected under {@value #LEARNING_RATE}:
   * {@code u ← −η·base(u)}.
   *
   * @param base the base transformation (e.g. {@code ScaleByAdam}, or {@link Identity} for SGD)
   * @param learningRate η: a Number, a Schedule or a 0-d Tensor
   * @return the transformation
   */
  public static InjectHyperparams learningRate(GradientTransformation base, Object learningRate) {
    Map<String, Object> initial = new TreeMap<>();
    initial.put(LEARNING_RATE, learningRate);
    return of(new LearningRateFactory(base, false), initial);
  }

  /**
   * {@code chain(base, addDecayedWeights(λ), scaleByLearningRate(η))} with η and λ injected
   * (decoupled weight decay, AdamW's order when {@code base} is Adam): {@code u ← −η·(base(u) +
   * λ·p)}. For L2 regularisation (decay before the base) write the chain in {@link #of}.
   *
   * @param base the base transformation
   * @param learningRate η: a Number, a Schedule or a 0-d Tensor
   * @param weightDecay λ: a Number, a Schedule or a 0-d Tensor
   * @return the transformation
   */
  public static InjectHyperparams learningRateAndWeightDecay(
      GradientTransformation base, Object learningRate, Object weightDecay) {
    Map<String, Object> initial = new TreeMap<>();
    initial.put(LEARNING_RATE, learningRate);
    initial.put(WEIGHT_DECAY, weightDecay);
    return of(new LearningRateFactory(base, true), initial);
  }

  @Override
  public Object init(Object params) {
    Tensor count = Counters.zero(params);
    DType dtype = null;
    for (Tensor t : TensorTrees.leaves(params)) {
      if (t.dtype().isFloating()) {
        dtype = t.dtype();
        break;
      }
    }
    Map<String, Tensor> h = new TreeMap<>();
    for (Map.Entry<String, Object> e : initial.entrySet()) {
      Object v = e.getValue();
      if (v instanceof Tensor t) {
        h.put(e.getKey(), t);
        continue;
      }
      if (dtype == null) {
        throw new IllegalArgumentException(
            "injectHyperparams: hyper-parameter " + e.getKey() + " = " + v
                + " needs a parameter tree with a floating tensor leaf to live on, got "
                + Trees.structure(params) + " (give it as a Tensor instead)");
      }
      h.put(
          e.getKey(),
          v instanceof Schedule s
              ? s.value(count, dtype)
              : count.ops().scalar((Double) v, dtype));
    }
    Map<String, Tensor> hyperparams = Collections.unmodifiableMap(h);
    return new State(count, hyperparams, build(hyperparams).init(params));
  }

  @Override
  public <T> Step<T> update(T updates, Object state, T params) {
    State s = States.expect(state, State.class, this);
    if (s.hyperparams() == null || !s.hyperparams().keySet().equals(initial.keySet())) {
      throw new IllegalArgumentException(
          "injectHyperparams with hyper-parameters " + initial.keySet() + " got a state with "
              + (s.hyperparams() == null ? null : new TreeSet<>(s.hyperparams().keySet()))
              + " (was it made by another injectHyperparams?)");
    }
    Map<String, Tensor> h = new TreeMap<>();
    for (Map.Entry<String, Tensor> e : s.hyperparams().entrySet()) {
      Tensor current = e.getValue();
      if (current == null) {
        throw new IllegalArgumentException(
            "injectHyperparams: the state holds no tensor for hyper-parameter " + e.getKey());
      }
      h.put(
          e.getKey(),
          initial.get(e.getKey()) instanceof Schedule schedule
              ? schedule.value(s.count(), current.dtype())
              : current);
    }
    Map<String, Tensor> hyperparams = Collections.unmodifiableMap(h);
    Step<T> step = build(hyperparams).update(updates, s.inner(), params);
    return new Step<>(
        step.updates(), new State(Counters.increment(s.count()), hyperparams, step.state()));
  }

  private GradientTransformation build(Map<String, Tensor> hyperparams) {
    GradientTransformation t = factory.apply(hyperparams);
    if (t == null) {
      throw new IllegalArgumentException("injectHyperparams: the factory returned null");
    }
    return t;
  }
}
