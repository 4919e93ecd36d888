#include "algorithms/election/tsp/tsp_params.hpp"

namespace clocksim::election {

using namespace clocksim::literals;

const std::vector<ParamSpec>& tsp_param_specs() {
  static const std::vector<ParamSpec> kSpecs = {
      {"timeout", ParamType::kDurationRange, DurationRange{360_s, 900_s},
       "election timer (timed's delay2, MINTOUT..MAXTOUT): a slave that hears nothing from a master "
       "for this long becomes a candidate",
       1e6, 1e14, {}},
      {"redraw_timeout", ParamType::kBool, false,
       "draw the election timeout anew at every restart (timed 4.4 draws it once per daemon; a "
       "candidate that gave up always redraws)", -1e300, 1e300, {}},
      {"candidate_window", ParamType::kDuration, 3_s,
       "how long a candidate collects ACCEPT/REFUSE before declaring itself master (fixed deadline)",
       1e6, 1e13, {}},
      {"answer_jitter", ParamType::kDurationRange, DurationRange{1_ms, 100_ms},
       "random delay before answering a broadcast (timed's delay1), so answers do not collide", 0, 1e12, {}},
      {"ack_timeout", ParamType::kDuration, 200_ms,
       "first wait for an acknowledgement; it doubles after each send (acksend)", 1e5, 1e12, {}},
      {"ack_sends", ParamType::kInt, std::int64_t{5}, "sends of an acknowledged message before giving up",
       1, 20, {}},
      {"refuse_window", ParamType::kDuration, 30_s,
       "after accepting one candidate, refuse any other for this long", 0, 1e14, {}},
      {"second_answer_wait", ParamType::kDuration, 300_ms,
       "after the first MASTERACK, listen this long for a second master (then CONFLICT)", 0, 1e12, {}},
      {"loop_period", ParamType::kDuration, 240_s,
       "a master broadcasts LOOP this often; a master hearing another's LOOP tells it to QUIT (0: off)",
       0, 1e14, {}},
      {"resolve_rounds", ParamType::kInt, std::int64_t{3},
       "RESOLVE/QUIT rounds a master runs after a CONFLICT report", 1, 20, {}},
      {"trusted", ParamType::kNodeList, std::string(),
       "node ids this node accepts as candidates and masters (timed -F; give the sync layer the same "
       "list): an untrusted candidate is told to QUIT, an untrusted MASTERUP ignored; empty: everyone",
       -1e300, 1e300, {}},
  };
  return kSpecs;
}

TspConfig TspConfig::from(const ParamSet& p) {
  TspConfig c{};
  c.election_timeout = p.get_range("timeout");
  c.redraw_timeout = p.get_bool("redraw_timeout");
  c.candidate_window = p.get_duration("candidate_window");
  c.answer_jitter = p.get_range("answer_jitter");
  c.ack_first_wait = p.get_duration("ack_timeout");
  c.ack_sends = p.get_int("ack_sends");
  c.refuse_window = p.get_duration("refuse_window");
  c.second_answer_wait = p.get_duration("second_answer_wait");
  c.loop_period = p.get_duration("loop_period");
  c.resolve_rounds = p.get_int("resolve_rounds");
  c.trusted = p.get_node_list("trusted");
  return c;
}

}  // namespace clocksim::election
