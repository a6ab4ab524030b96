package dev.diffopt.optim.fused;

import dev.diffopt.tensor.Tensor;
import dev.diffopt.transform.ScaleByAdadelta;
import dev.diffopt.transform.ScaleByAdam;
import dev.diffopt.transform.ScaleByAdamax;
import dev.diffopt.transform.ScaleByAdan;
import dev.diffopt.transform.ScaleByBelief;
import dev.diffopt.transform.ScaleByLion;
import dev.diffopt.transform.ScaleByNadam;
import dev.diffopt.transform.ScaleByRAdam;
import dev.diffopt.transform.ScaleByRms;
import dev.diffopt.transform.ScaleByRss;
import dev.diffopt.transform.ScaleByStddev;
import java.util.ArrayList;
import java.util.List;

/**
 * Where each {@link FusedPlan.Rule}'s kernel finds its state in the state of a recognized chain:
 * the core's per-parameter slots in the order every backend's kernels take them (the momentum
 * trace, when there is one, comes after them), the core's step counter, and NAdam's μ product.
 *
 * <table>
 *   <caption>The core's slots per rule</caption>
 *   <tr><th>rule</th><th>slots</th><th>counter</th></tr>
 *   <tr><td>SGD</td><td>none</td><td>none</td></tr>
 *   <tr><td>ADAM, LAMB</td><td>mu, nu, nuMax (AMSGrad only)</td><td>yes</td></tr>
 *   <tr><td>RMSPROP</td><td>nu</td><td>none</td></tr>
 *   <tr><td>RMSPROP_CENTERED</td><td>mu, nu</td><td>none</td></tr>
 *   <tr><td>ADAGRAD</td><td>sumOfSquares</td><td>none</td></tr>
 *   <tr><td>ADADELTA</td><td>squareAvg, accDelta</td><td>none</td></tr>
 *   <tr><td>ADAMAX, RADAM, NADAM, ADABELIEF</td><td>mu, nu</td><td>yes</td></tr>
 *   <tr><td>LION</td><td>mu</td><td>none</td></tr>
 *   <tr><td>ADAN</td><td>mu, delta, nu, previousGrad</td><td>yes</td></tr>
 * </table>
 */
public final class FusedSlots {
  private FusedSlots() {}

  /**
   * The core's per-parameter state trees in slot order, each a tree like the parameters.
   *
   * @param plan the recognized plan
   * @param state the whole state of the transformation (from its {@code init})
   * @return the trees, empty for SGD
   * @throws IllegalArgumentException if the core's state is not in {@code state}
   */
  public static List<Object> slotTrees(FusedPlan plan, Object state) {
    return switch (plan.rule()) {
      case SGD -> List.of();
      case ADAM, LAMB -> adamTrees(plan, state);
      case RMSPROP -> List.of(FusedStates.require(state, ScaleByRms.State.class).nu());
      case RMSPROP_CENTERED -> {
        ScaleByStddev.State s = FusedStates.require(state, ScaleByStddev.State.class);
        yield List.of(s.mu(), s.nu());
      }
      case ADAGRAD -> List.of(FusedStates.require(state, ScaleByRss.State.class).sumOfSquares());
      case ADADELTA -> {
        ScaleByAdadelta.State s = FusedStates.require(state, ScaleByAdadelta.State.class);
        yield List.of(s.squareAvg(), s.accDelta());
      }
      case ADAMAX -> {
        ScaleByAdamax.State s = FusedStates.require(state, ScaleByAdamax.State.class);
        yield List.of(s.mu(), s.nu());
      }
      case RADAM -> {
        ScaleByRAdam.State s = FusedStates.require(state, ScaleByRAdam.State.class);
        yield List.of(s.mu(), s.nu());
      }
      case NADAM -> {
        ScaleByNadam.State s = FusedStates.require(state, ScaleByNadam.State.class);
        yield List.of(s.mu(), s.nu());
      }
      case LION -> List.of(FusedStates.require(state, ScaleByLion.State.class).mu());
      case ADABELIEF -> {
        ScaleByBelief.State s = FusedStates.require(state, ScaleByBelief.State.class);
        yield List.of(s.mu(), s.nu());
      }
      case ADAN -> {
        ScaleByAdan.State s = FusedStates.require(state, ScaleByAdan.State.class);
        yield List.of(s.mu(), s.delta(), s.nu(), s.previousGrad());
      }
    };
  }

  /**
   * The core's 0-d INT64 step counter.
   *
   * @param plan the recognized plan
   * @param state the whole state of the transformation
   * @return the counter, or {@code null} when the core has none
   * @throws IllegalArgumentException if the core's state is not in {@code state}
   */
  public static Tensor coreCounter(FusedPlan plan, Object state) {
    return switch (plan.rule()) {
      case ADAM, LAMB -> FusedStates.require(state, ScaleByAdam.State.class).count();
      case ADAMAX -> FusedStates.require(state, ScaleByAdamax.State.class).count();
      case RADAM -> FusedStates.require(state, ScaleByRAdam.State.class).count();
      case NADAM -> FusedStates.require(state, ScaleByNadam.State.class).count();
      case ADABELIEF -> FusedStates.require(state, ScaleByBelief.State.class).count();
      case ADAN -> FusedStates.require(state, ScaleByAdan.State.class).count();
      case SGD, RMSPROP, RMSPROP_CENTERED, ADAGRAD, ADADELTA, LION -> null;
    };
  }

  /**
   * NAdam's 0-d μ product Π, which the kernel reads and writes besides the slots and counters.
   *
   * @param plan the recognized plan
   * @param state the whole state of the transformation
   * @return the product, or {@code null} for every rule but NAdam
   * @throws IllegalArgumentException if NAdam's state is not in {@code state}
   */
  public static Tensor muProduct(FusedPlan plan, Object state) {
    return plan.rule() == FusedPlan.Rule.NADAM
        ? FusedStates.require(state, ScaleByNadam.State.class).muProduct()
        : null;
  }

  /** m, v and, with AMSGrad, v̂max. */
  private static List<Object> adamTrees(FusedPlan plan, Object state) {
    ScaleByAdam.State s = FusedStates.require(state, ScaleByAdam.State.class);
    List<Object> trees = new ArrayList<>(List.of(s.mu(), s.nu()));
    if (plan.core(ScaleByAdam.class).amsgrad()) {
      trees.add(s.nuMax());
    }
    return trees;
  }
}
