#include "algorithms/registry.hpp"

#include <stdexcept>

#include "algorithms/berkeley/berkeley.hpp"
#include "algorithms/berkeley/config.hpp"
#include "algorithms/cristian/cristian.hpp"
#include "algorithms/none/free_running.hpp"

namespace clocksim::algorithms {

const std::vector<AlgorithmInfo>& catalogue() {
  static const std::vector<AlgorithmInfo> kCatalogue = [] {
    std::vector<AlgorithmInfo> c;
    c.push_back({"none", Layer::kSync, "free-running clocks: no synchronization", {}});
    c.push_back({"berkeley", Layer::kSync,
                 "Berkeley master/slave averaging as 4.3BSD timed does it (Gusella & Zatti)",
                 berkeley::berkeley_params()});
    c.push_back({"cristian", Layer::kSync,
                 "Cristian's algorithm: clients set their clocks from a time server (min-RTT of k probes)",
                 cristian::cristian_params()});
    return c;
  }();
  return kCatalogue;
}

const AlgorithmInfo* find_algorithm(const std::string& kind, Layer layer) {
  for (const auto& info : catalogue()) {
    if (info.kind == kind && info.layer == layer) return &info;
  }
  return nullptr;
}

std::unique_ptr<Algorithm> make_stack(const StackSetup& setup) {
  if (!setup.election.kind.empty()) {
    throw std::invalid_argument("unknown election algorithm: " + setup.election.kind);
  }
  if (setup.sync.kind.empty() || setup.sync.kind == "none") return std::make_unique<FreeRunning>();
  if (setup.sync.kind == "berkeley") {
    // Sync-only stack: no election, so the static master (param `master`) leads.
    return std::make_unique<berkeley::Berkeley>(setup.membership, berkeley::berkeley_config(setup.sync.params),
                                                setup.seed, /*standalone=*/true);
  }
  if (setup.sync.kind == "cristian") {
    return std::make_unique<cristian::Cristian>(setup.membership, cristian::cristian_config(setup.sync.params),
                                                setup.seed, /*standalone=*/true);
  }
  throw std::invalid_argument("unknown sync algorithm: " + setup.sync.kind);
}

}  // namespace clocksim::algorithms
