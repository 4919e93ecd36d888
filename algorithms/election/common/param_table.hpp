// An election's parameters, each declared once together with the Config field it fills: the
// catalogue's specs and the reading of a scenario's ParamSet come from the same entry, so a
// name, a default or a type cannot drift between the two.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "algorithms/core/ids.hpp"
#include "algorithms/core/params.hpp"
#include "algorithms/election/common/election_params.hpp"

namespace clocksim::election {

template <class Config>
class ParamTable {
 public:
  // kChoice fills a std::string; kInt an int64 or a node id; kNodeList a list of node ids.
  using Field = std::variant<Duration Config::*, DurationRange Config::*, std::int64_t Config::*, bool Config::*,
                             NodeId Config::*, std::string Config::*, std::vector<NodeId> Config::*>;
  struct Entry {
    ParamSpec spec;
    Field field;
  };

  explicit ParamTable(std::vector<Entry> entries) : entries_(std::move(entries)) {
    for (const auto& e : entries_) specs_.push_back(e.spec);
  }

  // For an election that heartbeats: heartbeat_period_spec() and `failure` (its failure timeout)
  // fill Config::heartbeat_period and Config::failure_timeout, ahead of its own entries.
  static ParamTable with_liveness(ParamSpec failure, std::vector<Entry> own) {
    std::vector<Entry> all{{heartbeat_period_spec(), &Config::heartbeat_period},
                           {std::move(failure), &Config::failure_timeout}};
    for (auto& e : own) all.push_back(std::move(e));
    return ParamTable(std::move(all));
  }

  const std::vector<ParamSpec>& specs() const { return specs_; }

  // `params` holds every declared name: the loader fills in the defaults.
  Config read(const ParamSet& params) const {
    Config c{};
    for (const auto& e : entries_) {
      std::visit([&](auto field) { assign(c.*field, params, e.spec.name); }, e.field);
    }
    return c;
  }

 private:
  static void assign(Duration& v, const ParamSet& p, const std::string& n) { v = p.get_duration(n); }
  static void assign(DurationRange& v, const ParamSet& p, const std::string& n) { v = p.get_range(n); }
  static void assign(std::int64_t& v, const ParamSet& p, const std::string& n) { v = p.get_int(n); }
  static void assign(bool& v, const ParamSet& p, const std::string& n) { v = p.get_bool(n); }
  static void assign(NodeId& v, const ParamSet& p, const std::string& n) { v = static_cast<NodeId>(p.get_int(n)); }
  static void assign(std::string& v, const ParamSet& p, const std::string& n) { v = p.get_choice(n); }
  static void assign(std::vector<NodeId>& v, const ParamSet& p, const std::string& n) { v = p.get_node_list(n); }

  std::vector<Entry> entries_;
  std::vector<ParamSpec> specs_;
};

}  // namespace clocksim::election
