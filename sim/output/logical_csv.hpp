// logical.csv (docs/output-formats.md): one row per logical-clock event, with the stamps the
// algorithm gave it and, for a receive, the send it answers, so analysis/plot_spacetime.py can
// draw the space-time diagram without re-deriving anything.
#pragma once

#include <memory>
#include <string>

#include "sim/logical/causality.hpp"
#include "sim/output/output_folder.hpp"
#include "sim/scenario/spec.hpp"

namespace clocksim::sim {

// Writes every event `causality` recorded; call after the run.
void write_logical_csv(const scenario::ScenarioSpec& spec, const CausalityRecorder& causality,
                       OutputFolder& folder);

}  // namespace clocksim::sim
