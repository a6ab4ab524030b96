package dev.diffopt.conformance.golden;

import com.google.gson.JsonObject;
import dev.diffopt.optim.Adadelta;
import dev.diffopt.optim.Adagrad;
import dev.diffopt.optim.Adam;
import dev.diffopt.optim.AdamW;
import dev.diffopt.optim.Adamax;
import dev.diffopt.optim.NAdam;
import dev.diffopt.optim.RAdam;
import dev.diffopt.optim.RmsProp;
import dev.diffopt.optim.Sgd;
import dev.diffopt.schedule.Schedule;
import dev.diffopt.schedule.Schedules;
import dev.diffopt.transform.AddDecayedWeights;
import dev.diffopt.transform.ClipByGlobalNorm;
import dev.diffopt.transform.GradientTransformation;

/**
 * Maps the golden cases' names and snake_case options (those of {@code torch.optim} and TorchOpt)
 * to diffopt's optimizers, schedules and transforms. An unknown name or an option the mapping does
 * not read fails the case with a message, so a case set from {@code -Ddiffopt.golden.dir} is never
 * run with something silently ignored.
 */
public final class GoldenCatalog {
  private GoldenCatalog() {}

  /**
   * The optimizer a case names.
   *
   * @param name e.g. {@code adam}
   * @param json the case's {@code options}
   * @return the optimizer
   */
  public static GradientTransformation optimizer(String name, JsonObject json) {
    GoldenOptions o = new GoldenOptions(json);
    GradientTransformation t = switch (name) {
      case "sgd" -> Sgd.of(Sgd.Options.builder()
          .lr(o.number("lr", Sgd.DEFAULT_LR))
          .momentum(o.number("momentum", 0))
          .dampening(o.number("dampening", 0))
          .weightDecay(o.number("weight_decay", 0))
          .nesterov(o.flag("nesterov", false))
          .maximize(o.flag("maximize", false))
          .build());
      case "adam" -> Adam.of(Adam.Options.builder()
          .lr(o.number("lr", Adam.DEFAULT_LR))
          .b1(o.number("b1", Adam.DEFAULT_B1))
          .b2(o.number("b2", Adam.DEFAULT_B2))
          .eps(o.number("eps", Adam.DEFAULT_EPS))
          .epsRoot(o.number("eps_root", 0))
          .weightDecay(o.number("weight_decay", 0))
          .amsgrad(o.flag("amsgrad", false))
          .maximize(o.flag("maximize", false))
          .build());
      case "adamw" -> AdamW.of(AdamW.Options.builder()
          .lr(o.number("lr", AdamW.DEFAULT_LR))
          .b1(o.number("b1", AdamW.DEFAULT_B1))
          .b2(o.number("b2", AdamW.DEFAULT_B2))
          .eps(o.number("eps", AdamW.DEFAULT_EPS))
          .epsRoot(o.number("eps_root", 0))
          .weightDecay(o.number("weight_decay", AdamW.DEFAULT_WEIGHT_DECAY))
          .amsgrad(o.flag("amsgrad", false))
          .maximize(o.flag("maximize", false))
          .build());
      case "adagrad" -> Adagrad.of(Adagrad.Options.builder()
          .lr(o.number("lr", Adagrad.DEFAULT_LR))
          .lrDecay(o.number("lr_decay", 0))
          .weightDecay(o.number("weight_decay", 0))
          .initialAccumulatorValue(o.number("initial_accumulator_value", 0))
          .eps(o.number("eps", Adagrad.DEFAULT_EPS))
          .maximize(o.flag("maximize", false))
          .build());
      case "rmsprop" -> RmsProp.of(RmsProp.Options.builder()
          .lr(o.number("lr", RmsProp.DEFAULT_LR))
          .alpha(o.number("alpha", RmsProp.DEFAULT_ALPHA))
          .eps(o.number("eps", RmsProp.DEFAULT_EPS))
          .weightDecay(o.number("weight_decay", 0))
          .momentum(o.number("momentum", 0))
          .centered(o.flag("centered", false))
          .maximize(o.flag("maximize", false))
          .build());
      case "adadelta" -> Adadelta.of(Adadelta.Options.builder()
          .lr(o.number("lr", Adadelta.DEFAULT_LR))
          .rho(o.number("rho", Adadelta.DEFAULT_RHO))
          .eps(o.number("eps", Adadelta.DEFAULT_EPS))
          .weightDecay(o.number("weight_decay", 0))
          .maximize(o.flag("maximize", false))
          .build());
      case "adamax" -> Adamax.of(Adamax.Options.builder()
          .lr(o.number("lr", Adamax.DEFAULT_LR))
          .b1(o.number("b1", Adamax.DEFAULT_B1))
          .b2(o.number("b2", Adamax.DEFAULT_B2))
          .eps(o.number("eps", Adamax.DEFAULT_EPS))
          .weightDecay(o.number("weight_decay", 0))
          .maximize(o.flag("maximize", false))
          .build());
      case "radam" -> RAdam.of(RAdam.Options.builder()
          .lr(o.number("lr", RAdam.DEFAULT_LR))
          .b1(o.number("b1", RAdam.DEFAULT_B1))
          .b2(o.number("b2", RAdam.DEFAULT_B2))
          .eps(o.number("eps", RAdam.DEFAULT_EPS))
          .weightDecay(o.number("weight_decay", 0))
          .maximize(o.flag("maximize", false))
          .build());
      case "nadam" -> NAdam.of(NAdam.Options.builder()
          .lr(o.number("lr", NAdam.DEFAULT_LR))
          .b1(o.number("b1", NAdam.DEFAULT_B1))
          .b2(o.number("b2", NAdam.DEFAULT_B2))
          .eps(o.number("eps", NAdam.DEFAULT_EPS))
          .weightDecay(o.number("weight_decay", 0))
          .momentumDecay(o.number("momentum_decay", NAdam.DEFAULT_MOMENTUM_DECAY))
          .maximize(o.flag("maximize", false))
          .build());
      default -> throw new IllegalArgumentException("no diffopt optimizer for golden name '" + name
          + "' (known: sgd, adam, adamw, adagrad, rmsprop, adadelta, adamax, radam, nadam)");
    };
    o.requireAllRead(name);
    return t;
  }

  /**
   * The schedule a case names.
   *
   * @param name e.g. {@code linear}
   * @param json the case's {@code options}
   * @return the schedule
   */
  public static Schedule schedule(String name, JsonObject json) {
    GoldenOptions o = new GoldenOptions(json);
    Schedule s = switch (name) {
      case "linear" -> Schedules.linear(o.number("init_value", 0), o.number("end_value", 0),
          o.integer("transition_steps", 0), o.integer("transition_begin", 0));
      case "polynomial" -> Schedules.polynomial(o.number("init_value", 0),
          o.number("end_value", 0), o.number("power", 1), o.integer("transition_steps", 0),
          o.integer("transition_begin", 0));
      case "exponential_decay" -> Schedules.exponentialDecay(o.number("init_value", 0),
          o.number("decay_rate", 1), o.integer("transition_steps", 0),
          o.integer("transition_begin", 0), o.flag("staircase", false),
          o.optionalNumber("end_value"));
      default -> throw new IllegalArgumentException("no diffopt schedule for golden name '" + name
          + "' (known: linear, polynomial, exponential_decay)");
    };
    o.requireAllRead(name);
    return s;
  }

  /**
   * The transform a case names.
   *
   * @param name e.g. {@code clip_grad_norm}
   * @param json the case's {@code options}
   * @return the transform
   */
  public static GradientTransformation transform(String name, JsonObject json) {
    GoldenOptions o = new GoldenOptions(json);
    GradientTransformation t = switch (name) {
      case "clip_grad_norm" -> ClipByGlobalNorm.of(o.number("max_norm", 0));
      case "add_decayed_weights" -> new AddDecayedWeights(o.number("weight_decay", 0), null);
      default -> throw new IllegalArgumentException("no diffopt transform for golden name '" + name
          + "' (known: clip_grad_norm, add_decayed_weights)");
    };
    o.requireAllRead(name);
    return t;
  }
}
