#include "algorithms/ntp/config.hpp"

namespace clocksim::ntp {
namespace {
constexpr double kS = 1e9;
}  // namespace

std::vector<ParamSpec> ntp_params() {
  const NtpConfig d;
  return {
      param_spec("minpoll", ParamType::kInt, d.minpoll, "shortest poll interval, as a power of 2 seconds (RFC 5905 §7.2)", 0, 17),
      param_spec("maxpoll", ParamType::kInt, d.maxpoll, "longest poll interval, as a power of 2 seconds; at least minpoll", 0, 17),
      param_spec("iburst", ParamType::kBool, d.iburst, "send a burst of 8 requests 2 s apart while a server is unreachable", 0, 1),
      param_spec("step_threshold", ParamType::kDuration, d.step_threshold,
                 "offsets above this are stepped after the stepout, smaller ones disciplined (STEPT)", 1e-6 * kS, 1e6 * kS),
      param_spec("stepout", ParamType::kDuration, d.stepout,
                 "how long an offset above step_threshold must persist before a step (WATCH)", 0, 1e6 * kS),
      param_spec("local_stratum", ParamType::kInt, d.local_stratum,
                 "stratum served by a node with neither servers nor reference clock; 0: such a node serves nothing", 0, 15),
      param_spec("reference_dispersion", ParamType::kDuration, d.reference_dispersion,
                 "error a reference clock states for each reading (the host adds the scenario's real error)", 0, 1 * kS),
      param_spec("minsane", ParamType::kInt, d.minsane,
                 "fewest truechimers (servers that agree) the clock is updated from (ntpd's tos minsane, chrony's "
                 "minsources); a node with fewer servers needs all of them",
                 1, 64),
      param_spec("startup_wait", ParamType::kDuration, d.startup_wait,
                 "before the first clock update, how long to wait once one server is selectable for the others, so "
                 "that a falseticker answering first is outvoted; 0s: update at once",
                 0, 3600 * kS)
  };
}

NtpConfig ntp_config(const ParamSet& p) {
  NtpConfig c;
  c.minpoll = p.get_int("minpoll");
  c.maxpoll = p.get_int("maxpoll");
  c.iburst = p.get_bool("iburst");
  c.step_threshold = p.get_duration("step_threshold");
  c.stepout = p.get_duration("stepout");
  c.local_stratum = p.get_int("local_stratum");
  c.reference_dispersion = p.get_duration("reference_dispersion");
  c.minsane = p.get_int("minsane");
  c.startup_wait = p.get_duration("startup_wait");
  // The loaders refuse maxpoll below minpoll (the registration's check_params); a ParamSet made
  // by hand still gets a valid range for the discipline's clamp.
  if (c.maxpoll < c.minpoll) c.maxpoll = c.minpoll;
  return c;
}

}  // namespace clocksim::ntp
