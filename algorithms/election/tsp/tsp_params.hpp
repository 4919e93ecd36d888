// Parameters of the TSP election (Gusella-Zatti, as run by BSD timed). Every timer is one;
// defaults are timed's own (docs/berkeley-and-tsp.md §2, §10, §12). Scenarios scale them to seconds.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "algorithms/core/params.hpp"

namespace clocksim::election {

struct TspConfig {
  DurationRange election_timeout;  // delay2: MINTOUT..MAXTOUT
  bool redraw_timeout;             // false: drawn once per daemon start, as in timed 4.4
  Duration candidate_window;       // fixed 3 s deadline (4.4)
  DurationRange answer_jitter;     // delay1 before answering a broadcast
  Duration ack_first_wait;         // acksend: 200 ms, doubling
  std::int64_t ack_sends;          // acksend: at most 5 sends
  Duration refuse_window;          // refuse other candidates for 30 s after an ACCEPT
  Duration second_answer_wait;     // lookformaster listens 300 ms for a second MASTERACK
  Duration loop_period;            // master's LOOP broadcast period (0: never)
  std::int64_t resolve_rounds;     // CONFLICT: RESOLVE/QUIT repeated up to 3 times (4.4)
  std::vector<NodeId> trusted;     // timed -F: who may be candidate or master; empty: everyone

  bool trusts(NodeId id) const {
    return trusted.empty() || std::binary_search(trusted.begin(), trusted.end(), id);
  }

  static TspConfig from(const ParamSet& params);
};

const std::vector<ParamSpec>& tsp_param_specs();

}  // namespace clocksim::election
