#include "sim/bound/sync_skew_bound.hpp"

#include <cmath>
#include <sstream>

#include "sim/bound/epoch_skew_bound.hpp"
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
    return Duration::from_ns(static_cast<std::int64_t>(std::ceil(s * 1e9)));
  }
  std::vector<Time> drop_instants() const override {
    // The first phase ends (the steady bound may be lower), the rate-corrected bound starts.
    std::vector<Time> v;
    for (double s : {b_.first_done_max, b_.rate_correction_from}) {
      if (std::isfinite(s) && s >= 0 && s < 1e9) v.push_back(Time::from_ns(static_cast<std::int64_t>(std::floor(s * 1e9)) + 1));
    }
    return v;
  }
  std::string describe() const override {
    std::ostringstream os;
    os << kind_ << " worst case (docs/bounds.md): before the first corrections S0 + 2ρt + E_x + q with S0 = "
       << b_.initial_spread * 1e3 << " ms, ρ = " << b_.rho * 1e6 << " ppm; then " << b_.steady_plain * 1e3
       << " ms (K = " << b_.k_new * 1e3 << " ms, E_x = " << b_.e_cross * 1e3 << " ms, L = " << b_.cycle_max
       << " s, T_meas = " << b_.t_meas * 1e3 << " ms)";
    if (std::isfinite(b_.rate_correction_from)) {
      os << "; with rate correction " << b_.steady * 1e3 << " ms from t = " << b_.rate_correction_from << " s (φ = "
         << b_.rate_fit_error_ppm << " ppm)";
    }
    if (b_.probabilistic) os << "; " << b_.reason;
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
    if (const auto* why = std::get_if<std::string>(&in)) return {nullptr, *why};
    const auto& input = std::get<bounds::BerkeleyBoundInput>(in);
    if (has_disruptions(spec)) {
      SyncBoundEnvironment env;
      std::string why;
      sync_bound_environment(spec, kNoNode, env, why, true);
      if (!EpochSkewBound::usable(input, env.lossy, why)) return {nullptr, why};
      return {std::make_unique<EpochSkewBound>(input, spec, env.lossy), ""};
    }
    b = bounds::berkeley_skew_bound(input);
  } else if (kind == "cristian") {
    const auto in = cristian_bound_input(spec);
    if (const auto* why = std::get_if<std::string>(&in)) return {nullptr, *why};
    b = bounds::cristian_skew_bound(std::get<bounds::CristianBoundInput>(in));
    if (clock_spread(spec).has_wander && b.valid) {
      b.probabilistic = true;
      b.reason = "rate wander: a 6-sigma envelope, holds with probability >= 1 - " +
                 std::to_string(bounds::wander_miss_probability() * static_cast<double>(spec.nodes.size()));
    }
  } else {
    return {nullptr, "no bound model for sync algorithm '" + kind + "'"};
  }
  if (!b.valid) return {nullptr, b.reason};
  return {std::make_unique<SyncSkewBound>(std::move(b), kind), ""};
}

}  // namespace clocksim::sim
