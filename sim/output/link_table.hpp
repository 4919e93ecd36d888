// links.csv (docs/output-formats.md): each link's one-way asymmetry as the network applies it, and
// the latency factor of each direction, so that a drawn asymmetry can be seen and plotted.
#pragma once

#include "sim/network/network.hpp"
#include "sim/output/output_folder.hpp"
#include "sim/scenario/spec.hpp"

namespace clocksim::sim {

// Whether a run writes links.csv: `output.links` when given, else when some link model draws its
// asymmetry per link (a constant one is the scenario's own number).
bool wants_link_table(const scenario::ScenarioSpec& spec);

// One row per link a -- b (a the lower id), in id order: a, b, asymmetry, factor_ab, factor_ba.
void write_link_table(const scenario::ScenarioSpec& spec, const Network& network, OutputFolder& folder);

}  // namespace clocksim::sim
