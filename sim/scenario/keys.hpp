// Every key and keyword the scenario schema knows, in documented order. The parsers check keys
// against these lists and the JSON Schema generator builds its `properties` from them, so the
// two cannot disagree about what is allowed.
#pragma once

#include <string>
#include <vector>

namespace clocksim::scenario::keys {

const std::vector<std::string>& top_level();         // name, description, seed, duration, ...
const std::vector<std::string>& nodes_mapping();     // count, overrides
const std::vector<std::string>& clock_override();    // per-node clock keys
const std::vector<std::string>& node_entry();        // name, can_be_master, servers, reference_clock, + clock_override()
const std::vector<std::string>& clocks();            // the clocks section
const std::vector<std::string>& topology_kinds();    // full_mesh, star, ...
const std::vector<std::string>& topology_file();     // file
const std::vector<std::string>& links();             // latency, asymmetry, loss, overrides
const std::vector<std::string>& link_override();     // between, latency, asymmetry, loss
const std::vector<std::string>& asymmetry();         // draw, slow
const std::vector<std::string>& algorithm();         // sync, election
const std::vector<std::string>& fault_actions();     // crash, restart, ...
const std::vector<std::string>& fault_entry();       // at, until, + fault_actions()
const std::vector<std::string>& clock_step();
const std::vector<std::string>& byzantine();
const std::vector<std::string>& ordering();
const std::vector<std::string>& byzantine_modes();        // node, by
const std::vector<std::string>& expect_kinds();      // max_skew, ...
const std::vector<std::string>& expect_window();     // after, until, outside_failover
const std::vector<std::string>& output();            // trace, skew, events, summary, trace_nodes, trace_every, compress
const std::vector<std::string>& distribution_kinds();  // constant, uniform, ...

}  // namespace clocksim::scenario::keys
