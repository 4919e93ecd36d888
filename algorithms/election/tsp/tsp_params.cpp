#include "algorithms/election/tsp/tsp_params.hpp"

#include "algorithms/election/common/param_table.hpp"

namespace clocksim::election {

using namespace clocksim::literals;

namespace {
const ParamTable<TspConfig>& tsp_params() {
  static const ParamTable<TspConfig> kTable({
      {{"timeout", ParamType::kDurationRange, DurationRange{360_s, 900_s},
        "election timer (timed's delay2, MINTOUT..MAXTOUT): a slave that hears nothing from a master "
        "for this long becomes a candidate",
        1e6, 1e14, {}},
       &TspConfig::election_timeout},
      {{"redraw_timeout", ParamType::kBool, false,
        "draw the election timeout anew at every restart (timed 4.4 draws it once per daemon; a "
        "candidate that gave up always redraws)", -1e300, 1e300, {}},
       &TspConfig::redraw_timeout},
      {{"candidate_window", ParamType::kDuration, 3_s,
        "how long a candidate collects ACCEPT/REFUSE before declaring itself master (fixed deadline)",
        1e6, 1e13, {}},
       &TspConfig::candidate_window},
      {{"answer_jitter", ParamType::kDurationRange, DurationRange{1_ms, 100_ms},
        "random delay before answering a broadcast (timed's delay1), so answers do not collide", 0, 1e12, {}},
       &TspConfig::answer_jitter},
      {{"ack_timeout", ParamType::kDuration, 200_ms,
        "first wait for an acknowledgement; it doubles after each send (acksend)", 1e5, 1e12, {}},
       &TspConfig::ack_first_wait},
      {{"ack_sends", ParamType::kInt, std::int64_t{5}, "sends of an acknowledged message before giving up", 1, 20, {}},
       &TspConfig::ack_sends},
      {{"refuse_window", ParamType::kDuration, 30_s,
        "after accepting one candidate, refuse any other for this long", 0, 1e14, {}},
       &TspConfig::refuse_window},
      {{"second_answer_wait", ParamType::kDuration, 300_ms,
        "after the first MASTERACK, listen this long for a second master (then CONFLICT)", 0, 1e12, {}},
       &TspConfig::second_answer_wait},
      {{"loop_period", ParamType::kDuration, 240_s,
        "a master broadcasts LOOP this often; a master hearing another's LOOP tells it to QUIT (0: off)",
        0, 1e14, {}},
       &TspConfig::loop_period},
      {{"resolve_rounds", ParamType::kInt, std::int64_t{3}, "RESOLVE/QUIT rounds a master runs after a CONFLICT report",
        1, 20, {}},
       &TspConfig::resolve_rounds},
      {{"trusted", ParamType::kNodeList, std::string(),
        "node ids this node accepts as candidates and masters (timed -F; give the sync layer the same "
        "list): an untrusted candidate is told to QUIT, an untrusted MASTERUP ignored; empty: everyone",
        -1e300, 1e300, {}},
       &TspConfig::trusted},
  });
  return kTable;
}
}  // namespace

const std::vector<ParamSpec>& tsp_param_specs() { return tsp_params().specs(); }

TspConfig TspConfig::from(const ParamSet& params) { return tsp_params().read(params); }

}  // namespace clocksim::election
