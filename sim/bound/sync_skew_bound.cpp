#include "sim/bound/sync_skew_bound.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

#include "algorithms/core/c_locale_stream.hpp"
#include "sim/bound/epoch_skew_bound.hpp"
#include "sim/bound/hosted_guard.hpp"
#include "sim/bound/no_bound_text.hpp"
#include "sim/bound/saturated_ns.hpp"
#include "sim/bound/sync_bound_inputs.hpp"

namespace clocksim::sim {
namespace {

class SyncSkewBound final : public SkewBound {
 public:
  SyncSkewBound(bounds::SkewBound b, std::string kind) : b_(std::move(b)), kind_(std::move(kind)) {}
  std::optional<Duration> at(Time t) const override {
    const double s = b_.at(t.seconds());
    if (!std::isfinite(s)) return std::nullopt;
    // Round up: a bound must never fall below the truth by a rounding.
    return ceil_ns(s * 1e9);
  }
  // at() is linear between the instants where its formula changes: the first round starts (a
  // step up), the steady floor may take over, the first phase ends and the rate-corrected bound
  // starts (steps), and inside the first round, where the lower envelope of its lines turns (a
  // kink). A skew that peaks between two breakpoints of the clocks is checked where the bound
  // turns or steps only if both sides are instants.
  std::vector<Time> drop_instants() const override {
    std::vector<double> turns_s = {b_.first_round_start_min, b_.first_round_start_min + b_.cycle_min, b_.first_done_max,
                                   b_.rate_correction_from};
    // The first round's lines (SkewBound::at), each as value + slope · t: where any two meet.
    const double t0 = b_.first_round_start_min, r2 = 2 * b_.rho;
    struct Line {
      double value, slope;
    };
    std::vector<Line> lines = {{b_.initial_spread, r2},                                               // old spread
                               {b_.first_k - r2 * t0, r2},                                            // new spread
                               {b_.initial_spread + b_.e_cross + b_.quantum_half - r2 * t0, 2 * r2},  // cross
                               {b_.steady_plain, 0}};
    if (std::isfinite(b_.first_sync_extra)) {
      lines.push_back({b_.initial_spread + b_.first_sync_extra, r2});
      lines.push_back({b_.first_k - r2 * t0 + b_.first_sync_extra, r2});
    }
    for (std::size_t i = 0; i < lines.size(); ++i) {
      for (std::size_t j = i + 1; j < lines.size(); ++j) {
        if (lines[i].slope == lines[j].slope) continue;
        const double meet_s = (lines[j].value - lines[i].value) / (lines[i].slope - lines[j].slope);
        if (meet_s > t0 && meet_s < b_.first_done_max) turns_s.push_back(meet_s);
      }
    }
    return instants_around(*this, turns_s);
  }
  std::string describe() const override {
    CLocaleStream os;
    os << kind_ << " worst case (docs/bounds.md): before the first corrections S0 + 2ρt + E_x + q with S0 = "
       << b_.initial_spread * 1e3 << " ms, ρ = " << b_.rho * 1e6 << " ppm; then " << b_.steady_plain * 1e3
       << " ms (K = " << b_.k_new * 1e3 << " ms, E_x = " << b_.e_cross * 1e3 << " ms, L = " << b_.cycle_max
       << " s, T_meas = " << b_.t_meas * 1e3 << " ms)";
    if (std::isfinite(b_.rate_correction_from)) {
      os << "; with rate correction " << b_.steady * 1e3 << " ms from t = " << b_.rate_correction_from << " s (φ = "
         << b_.rate_fit_error_ppm << " ppm)";
    }
    os << bound_caveats_text(b_);
    return os.str();
  }

 private:
  bounds::SkewBound b_;
  std::string kind_;
};

}  // namespace

BoundAvailability make_sync_skew_bound(const scenario::ScenarioSpec& spec) {
  const std::string& kind = spec.algorithm.sync.kind;
  bounds::SkewBound b;
  if (kind == "berkeley") {
    const auto in = berkeley_bound_input(spec);
    if (const auto* why = std::get_if<bounds::NoBound>(&in)) return {nullptr, *why};
    const auto& input = std::get<bounds::BerkeleyBoundInput>(in);
    if (has_disruptions(spec)) {
      SyncBoundEnvironment env;
      bounds::NoBound why;
      sync_bound_environment(spec, kNoNode, env, why, true);
      if (!EpochSkewBound::usable(input, env.lossy, why)) return {nullptr, why};
      return {std::make_unique<EpochSkewBound>(input, spec, env.lossy), {}};
    }
    b = bounds::berkeley_skew_bound(input);
    if (const auto guard = hosted_guard_limits(spec, static_master(spec), true); !guard.empty() && b.valid) {
      // A frequency correction is the negated slope fitted to a slave's free-running offset:
      // within 2ρ of the truth's spread plus the fit's error, and within the algorithm's clamp.
      const double rate_sent_ppm =
          input.rate_correction ? std::min(input.max_rate_correction_ppm, 2 * b.rho * 1e6 + b.rate_fit_error_ppm) : 0;
      // Corrections below step_threshold are slewed, those above it stepped (0: every one), and so
      // is a SETTIME, sent for corrections of settime_threshold and more.
      const double smallest_step_s = std::min(input.step_threshold_s, input.settime_threshold_s > 0
                                                                          ? input.settime_threshold_s
                                                                          : std::numeric_limits<double>::infinity());
      if (auto why = guard_breaks_bound(b, guard, true, rate_sent_ppm, smallest_step_s)) return {nullptr, why};
    }
  } else if (kind == "cristian") {
    const auto in = cristian_bound_input(spec);
    if (const auto* why = std::get_if<bounds::NoBound>(&in)) return {nullptr, *why};
    const auto& input = std::get<bounds::CristianBoundInput>(in);
    b = bounds::cristian_skew_bound(input);
    if (const auto guard = hosted_guard_limits(spec, static_master(spec), false); !guard.empty() && b.valid) {
      if (auto why = guard_breaks_bound(b, guard, false, 0, input.step_threshold_s)) return {nullptr, why};
    }
    if (clock_spread(spec).has_wander && b.valid) {
      b.probabilistic = true;
      b.wander_miss_at_most = bounds::wander_miss_probability() * static_cast<double>(spec.nodes.size());
    }
  } else {
    bounds::NoBound none(bounds::NoBoundWhy::kUnknownAlgorithm);
    none.algorithm = kind;
    return {nullptr, none};
  }
  if (!b.valid) return {nullptr, b.no_bound};
  return {std::make_unique<SyncSkewBound>(std::move(b), kind), {}};
}

}  // namespace clocksim::sim
