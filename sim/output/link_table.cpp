#include "sim/output/link_table.hpp"

#include <string>

#include "algorithms/core/decimal_text.hpp"
#include "sim/network/link_delay.hpp"
#include "sim/output/atomic_file.hpp"
#include "sim/output/run_files.hpp"

namespace clocksim::sim {

namespace {

bool drawn(const scenario::LinkModel& m) { return m.asymmetry.kind != scenario::Distribution::Kind::kConstant; }

// Nine significant digits: a draw is a double, and the factors are what a latency is scaled by.
void append_real(std::string& line, double v) {
  line += general_text(v, 9);
}

}  // namespace

bool wants_link_table(const scenario::ScenarioSpec& spec) {
  if (spec.output.links) return *spec.output.links;
  if (drawn(spec.links.defaults)) return true;
  for (const auto& o : spec.links.overrides) {
    if (drawn(o.model)) return true;
  }
  return false;
}

void write_link_table(const scenario::ScenarioSpec& spec, const Network& network, OutputFolder& folder) {
  auto file = folder.create(std::string(run_files::kLinks));
  std::string line = "a,b,asymmetry,factor_ab,factor_ba\n";
  const Topology& topology = network.topology();
  for (NodeId a = 0; a < topology.node_count(); ++a) {
    topology.for_each_neighbor(a, [&](NodeId b) {
      if (b < a) return;
      const scenario::LinkModel& model = network.link_model(a, b);
      const double asym = network.asymmetry(a, b);
      append_csv_field(line, spec.nodes[a].name);
      line.push_back(',');
      append_csv_field(line, spec.nodes[b].name);
      line.push_back(',');
      append_real(line, asym);
      line.push_back(',');
      append_real(line, direction_factor(model, asym, a, b));
      line.push_back(',');
      append_real(line, direction_factor(model, asym, b, a));
      line.push_back('\n');
      if (line.size() > (1 << 16)) {
        file->write(line);
        line.clear();
      }
    });
  }
  file->write(line);
  file->commit();
}

}  // namespace clocksim::sim
