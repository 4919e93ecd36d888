#include "algorithms/registry.hpp"

#include <stdexcept>

#include "algorithms/berkeley/berkeley.hpp"
#include "algorithms/berkeley/config.hpp"
#include "algorithms/cristian/cristian.hpp"
#include "algorithms/core/rng.hpp"
#include "algorithms/election/election_factory.hpp"
#include "algorithms/ftavg/welch_lynch.hpp"
#include "algorithms/logical/logical_clocks.hpp"
#include "algorithms/none/free_running.hpp"
#include "algorithms/ntp/config.hpp"
#include "algorithms/ntp/ntp.hpp"
#include "algorithms/stack/no_sync.hpp"
#include "algorithms/stack/stack.hpp"
#include "algorithms/workload/phold.hpp"

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
    c.push_back({"ntp", Layer::kSync,
                 "NTP (RFC 5905): clock filter, selection, clustering, combining and the PLL/FLL discipline; strata "
                 "from reference clocks",
                 ntp::ntp_params()});
    c.push_back({"welch_lynch", Layer::kSync,
                 "fault-tolerant averaging: read every peer, drop the f highest and lowest, move to the midpoint or mean "
                 "(Welch & Lynch; Lundelius & Lynch)",
                 ftavg::welch_lynch_params()});
    c.push_back({"logical", Layer::kSync,
                 "Lamport and vector clocks stamping an application workload (no physical synchronization)",
                 logical::logical_params()});
    for (const auto& e : election::election_kinds()) c.push_back({e.kind, Layer::kElection, e.summary, *e.params});
    c.push_back({"phold", Layer::kSync, "PHOLD benchmark workload (no synchronization)", Phold::param_specs()});
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

namespace {

ntp::NtpHost ntp_host(const StackSetup& setup) { return ntp::NtpHost{setup.servers, setup.reference_clock}; }

// The sync layer of a composed stack.
std::unique_ptr<SyncLayer> make_sync_layer(const StackSetup& setup) {
  if (setup.sync.kind.empty() || setup.sync.kind == "none") return std::make_unique<NoSync>();
  if (setup.sync.kind == "berkeley") {
    // Led by the election: passive until the stack calls lead() or follow().
    return std::make_unique<berkeley::Berkeley>(setup.membership, berkeley::berkeley_config(setup.sync.params),
                                                setup.seed, /*standalone=*/false);
  }
  if (setup.sync.kind == "cristian") {
    // The election's winner serves time; the others are its clients.
    return std::make_unique<cristian::Cristian>(setup.membership, cristian::cristian_config(setup.sync.params),
                                                setup.seed, /*standalone=*/false);
  }
  if (setup.sync.kind == "ntp") {
    return std::make_unique<ntp::Ntp>(setup.membership, ntp::ntp_config(setup.sync.params), ntp_host(setup), setup.seed,
                                      /*standalone=*/false);
  }
  if (setup.sync.kind == "welch_lynch") {
    return std::make_unique<ftavg::WelchLynch>(setup.membership, ftavg::welch_lynch_config(setup.sync.params));
  }
  if (setup.sync.kind == "logical") {
    return std::make_unique<logical::LogicalClocks>(setup.membership, logical::logical_config(setup.sync.params),
                                                    setup.seed);
  }
  throw std::invalid_argument("unknown sync algorithm: " + setup.sync.kind);
}

}  // namespace

std::unique_ptr<Algorithm> make_stack(const StackSetup& setup) {
  if (!setup.election.kind.empty()) {
    election::ElectionSetup es;
    es.membership = setup.membership;
    // Its own stream, so that adding an election never reshuffles the sync layer's draws.
    es.seed = derive_seed(setup.seed, "election");
    es.can_be_master = setup.can_be_master;
    es.params = setup.election.params;
    auto e = election::make_election(setup.election.kind, es);
    if (!e) throw std::invalid_argument("unknown election algorithm: " + setup.election.kind);
    return std::make_unique<Stack>(std::move(e), make_sync_layer(setup));
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
  if (setup.sync.kind == "ntp") {
    return std::make_unique<ntp::Ntp>(setup.membership, ntp::ntp_config(setup.sync.params), ntp_host(setup), setup.seed,
                                      /*standalone=*/true);
  }
  if (setup.sync.kind == "welch_lynch") {
    return std::make_unique<ftavg::WelchLynch>(setup.membership, ftavg::welch_lynch_config(setup.sync.params));
  }
  if (setup.sync.kind == "logical") {
    return std::make_unique<logical::LogicalClocks>(setup.membership, logical::logical_config(setup.sync.params),
                                                    setup.seed);
  }
  if (setup.sync.kind == "phold") return std::make_unique<Phold>(setup.membership, setup.seed, setup.sync.params);
  throw std::invalid_argument("unknown sync algorithm: " + setup.sync.kind);
}

}  // namespace clocksim::algorithms
