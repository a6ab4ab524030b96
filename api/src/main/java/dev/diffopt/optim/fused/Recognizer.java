package dev.diffopt.optim.fused;

import dev.diffopt.optim.fused.FusedPlan.Rule;
import dev.diffopt.schedule.Constant;
import dev.diffopt.schedule.InverseTimeDecay;
import dev.diffopt.transform.AddDecayedWeights;
import dev.diffopt.transform.Chain;
import dev.diffopt.transform.GradientTransformation;
import dev.diffopt.transform.ProximalWeightDecay;
import dev.diffopt.transform.Scale;
import dev.diffopt.transform.ScaleByAdadelta;
import dev.diffopt.transform.ScaleByAdam;
import dev.diffopt.transform.ScaleByAdamax;
import dev.diffopt.transform.ScaleByAdan;
import dev.diffopt.transform.ScaleByBelief;
import dev.diffopt.transform.ScaleByLearningRate;
import dev.diffopt.transform.ScaleByLion;
import dev.diffopt.transform.ScaleByNadam;
import dev.diffopt.transform.ScaleByRAdam;
import dev.diffopt.transform.ScaleByRms;
import dev.diffopt.transform.ScaleByRss;
import dev.diffopt.transform.ScaleByStddev;
import dev.diffopt.transform.ScaleByTrustRatio;
import dev.diffopt.transform.Trace;
import java.util.List;
import java.util.Optional;

/**
 * Reads a chain against the one grammar of {@link FusedPlan}: {@code [Scale(−1)] →
 * [AddDecayedWeights] → [core] → [AddDecayedWeights] → [Trace] → [ScaleByTrustRatio] →
 * ScaleByLearningRate → [ProximalWeightDecay]}, consuming parts left to right.
 */
final class Recognizer {
  private Recognizer() {}

  /** A plan or the reason there is none. */
  record Result(FusedPlan plan0, String reason) {
    Optional<FusedPlan> plan() {
      return Optional.ofNullable(plan0);
    }

    static Result no(String reason) {
      return new Result(null, reason);
    }
  }

  static Result parse(GradientTransformation transformation) {
    if (transformation == null) {
      throw new NullPointerException("transformation is null");
    }
    List<GradientTransformation> parts =
        transformation instanceof Chain c ? c.parts() : List.of(transformation);
    int i = 0;
    boolean maximize = false;
    if (at(parts, i) instanceof Scale s) {
      if (s.factor() != -1) {
        return Result.no("Scale(" + s.factor() + ") is not fused (only Scale(-1), maximize)");
      }
      maximize = true;
      i++;
    }
    double l2 = 0;
    if (at(parts, i) instanceof AddDecayedWeights a) {
      if (a.mask() != null) {
        return Result.no("masked weight decay is not fused");
      }
      l2 = a.weightDecay();
      i++;
    }
    GradientTransformation core = at(parts, i);
    Rule rule = ruleOf(core);
    if (rule == null) {
      core = null;
      rule = Rule.SGD;
    } else {
      i++;
    }
    double decoupled = 0;
    if (at(parts, i) instanceof AddDecayedWeights a) {
      if (a.mask() != null) {
        return Result.no("masked weight decay is not fused");
      }
      decoupled = a.weightDecay();
      i++;
    }
    Trace momentum = null;
    if (at(parts, i) instanceof Trace t) {
      if (rule != Rule.SGD && rule != Rule.RMSPROP && rule != Rule.RMSPROP_CENTERED) {
        return Result.no("a Trace after " + core + " is not fused");
      }
      momentum = t;
      i++;
    }
    if (at(parts, i) instanceof ScaleByTrustRatio) {
      if (rule != Rule.ADAM) {
        return Result.no("a trust ratio after " + (core == null ? "no core" : core)
            + " is not fused (only after ScaleByAdam, LAMB)");
      }
      rule = Rule.LAMB;
      i++;
    }
    double lr;
    InverseTimeDecay schedule = null;
    if (at(parts, i) instanceof ScaleByLearningRate step) {
      if (step.schedule() == null) {
        lr = step.learningRate();
      } else if (step.schedule() instanceof Constant c) {
        lr = c.value();
      } else if (step.schedule() instanceof InverseTimeDecay d) {
        lr = Double.NaN;
        schedule = d;
      } else {
        return Result.no("the learning-rate schedule " + step.schedule()
            + " is not fused (only constant and InverseTimeDecay)");
      }
      i++;
    } else {
      GradientTransformation part = at(parts, i);
      return Result.no(part == null
          ? "the chain has no ScaleByLearningRate step"
          : "part " + i + " (" + part + ") is not fused at this position");
    }
    double proximal = 0;
    if (at(parts, i) instanceof ProximalWeightDecay d) {
      proximal = d.learningRate() * d.weightDecay();
      i++;
    }
    if (i < parts.size()) {
      return Result.no("part " + i + " (" + parts.get(i) + ") is not fused at this position");
    }
    return new Result(
        new FusedPlan(rule, core, maximize, l2, decoupled, momentum, lr, schedule, proximal), null);
  }

  private static GradientTransformation at(List<GradientTransformation> parts, int i) {
    return i < parts.size() ? parts.get(i) : null;
  }

  private static Rule ruleOf(GradientTransformation t) {
    if (t instanceof ScaleByAdam) {
      return Rule.ADAM;
    } else if (t instanceof ScaleByRms) {
      return Rule.RMSPROP;
    } else if (t instanceof ScaleByStddev) {
      return Rule.RMSPROP_CENTERED;
    } else if (t instanceof ScaleByRss) {
      return Rule.ADAGRAD;
    } else if (t instanceof ScaleByAdadelta) {
      return Rule.ADADELTA;
    } else if (t instanceof ScaleByAdamax) {
      return Rule.ADAMAX;
    } else if (t instanceof ScaleByRAdam) {
      return Rule.RADAM;
    } else if (t instanceof ScaleByNadam) {
      return Rule.NADAM;
    } else if (t instanceof ScaleByLion) {
      return Rule.LION;
    } else if (t instanceof ScaleByBelief) {
      return Rule.ADABELIEF;
    } else if (t instanceof ScaleByAdan) {
      return Rule.ADAN;
    }
    return null;
  }
}
