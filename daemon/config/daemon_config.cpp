#include "daemon/config/daemon_config.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <optional>
#include <utility>
#include <vector>

#include "algorithms/core/duration_parse.hpp"
#include "algorithms/core/rng.hpp"
#include "algorithms/election/static/static_election.hpp"
#include "algorithms/node_params.hpp"
#include "config/clock_limits.hpp"
#include "config/error.hpp"
#include "config/file.hpp"
#include "config/file_errors.hpp"
#include "config/reader.hpp"
#include "config/suggest.hpp"
#include "node/clock/virtual_clock.hpp"
#include "daemon/config/param_text.hpp"
#include "daemon/loop/control_socket.hpp"
#include "daemon/loop/endpoint.hpp"

namespace clocksim::daemon {

std::optional<NodeId> parse_node_id(const std::string& text) {
  std::string_view s = text;
  if (!s.empty() && s.front() == 'n') s.remove_prefix(1);
  std::uint64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v >= kBroadcast) return std::nullopt;
  return static_cast<NodeId>(v);
}

std::variant<PeerConfig, std::string> parse_peer(const std::string& text) {
  const auto at = text.find('@');
  if (at == std::string::npos) return "peer '" + text + "': expected ID@HOST:PORT, e.g. 2@127.0.0.1:5526";
  const auto id = parse_node_id(text.substr(0, at));
  if (!id) return "peer '" + text + "': '" + text.substr(0, at) + "' is not a node id (e.g. 2 or n2)";
  auto ep = parse_destination(text.substr(at + 1));
  if (auto* e = std::get_if<std::string>(&ep)) return "peer " + *e;
  return PeerConfig{*id, text.substr(at + 1)};
}

namespace {

using config::Node;

// Each key (and each key of a section) is read on its own (config::FileErrors), so a mistake in
// one says nothing about the others: the file is read to its end and every such error is
// reported. What needs the whole configuration (the algorithm's parameters, a peer's key, the
// sockets) is checked once the file reads without error.
using config::FileErrors;

std::string where(const Node& n) {
  return (n.pos.source ? *n.pos.source : std::string()) + ":" + std::to_string(n.pos.line) + ":" +
         std::to_string(n.pos.column);
}

// How an error about the value at `n` (key `path`) begins: "file:line:col: error: at 'path': ".
std::string origin_of(const Node& n, const std::string& path) {
  return config::ConfigError(n.pos.source ? *n.pos.source : std::string(), n.pos.line, n.pos.column, path, "").what();
}

// "sync algorithm 'x' is not known; available: ..." when `kind` names no algorithm of `layer`,
// with the hints the scenario loader gives: the closest kind of that layer, or that the name is a
// kind of the other layer (a sync kind written as the election, or the reverse).
std::optional<std::string> unknown_kind(const std::string& kind, algorithms::Layer layer, const std::string& layer_name) {
  if (kind.empty() || (layer == algorithms::Layer::kElection && kind == "none")) return std::nullopt;
  if (algorithms::find_algorithm(kind, layer)) return std::nullopt;
  std::vector<std::string> kinds;
  std::string other_layer;
  for (const auto& a : algorithms::catalogue()) {
    if (a.layer == layer) kinds.push_back(a.kind);
    else if (a.kind == kind) other_layer = a.layer == algorithms::Layer::kSync ? "a sync" : "an election";
  }
  const std::string hint =
      other_layer.empty() ? config::did_you_mean(kind, kinds) : " ('" + kind + "' is " + other_layer + " algorithm)";
  return layer_name + " algorithm '" + kind + "' is not known" + hint + "; available: " + config::join(kinds);
}

// A kind read from the file is checked where it is written (a flag may still replace it).
std::string read_kind(const Node& n, const std::string& path, const std::string& layer) {
  std::string kind = config::read_string(n, path, "an algorithm kind");
  const auto l = layer == "sync" ? algorithms::Layer::kSync : algorithms::Layer::kElection;
  if (auto e = unknown_kind(kind, l, layer)) config::fail_at(n, path, *e);
  return kind;
}

// An address the daemon binds (listen, status, ntp.listen), checked where it is written.
std::string read_bind_address(const Node& n, const std::string& path) {
  std::string text = config::read_string(n, path, "an address HOST:PORT");
  auto ep = parse_bind_address(text);
  if (auto* e = std::get_if<std::string>(&ep)) config::fail_at(n, path, *e);
  return text;
}

// algorithm.sync / algorithm.election: "berkeley" or {kind: berkeley, param: value, ...}. The
// parameters are checked against the algorithm's ParamSpec once both kinds are known.
void read_layer(const Node& n, const std::string& layer, std::string& kind, std::vector<ParamOverride>& params) {
  const std::string path = "algorithm." + layer;
  if (n.is_scalar()) {
    kind = read_kind(n, path, layer);
    return;
  }
  if (!n.is_map()) config::fail_at(n, path, "expected a kind or a mapping {kind: ..., param: value}, got " + config::yaml::describe(n));
  kind = read_kind(config::require_key(n, path, "kind", "an algorithm kind"), path + ".kind", layer);
  for (const auto& e : n.entries) {
    if (e.key == "kind") continue;
    const std::string key_path = path + "." + e.key;
    if (e.value.is_sequence()) {
      // A list (trusted: [1, 3]) reaches the parameter as its text, "1,3".
      std::string text;
      for (const auto& item : e.value.items) {
        if (!item.is_scalar()) config::fail_at(item, key_path, "expected a list of single values, got " + config::yaml::describe(item));
        text += (text.empty() ? "" : ",") + item.text;
      }
      params.push_back({layer, e.key, text, where(e.value)});
      continue;
    }
    if (!e.value.is_scalar()) config::fail_at(e.value, key_path, "expected a single value, got " + config::yaml::describe(e.value));
    params.push_back({layer, e.key, e.value.text, where(e.value)});
  }
}

void read_clock(const Node& n, DaemonConfig& cfg, FileErrors& errors) {
  config::expect_map(n, "clock", "the clock section");
  errors.read([&] {
    config::check_keys(n, "clock", {"backend", "drift_ppm", "offset", "max_slew_ppm", "allow_system_clock"});
  });
  if (const Node* b = n.find("backend")) {
    errors.read([&] {
      cfg.clock_backend = config::read_string(*b, "clock.backend", "virtual or system");
      if (cfg.clock_backend != "virtual" && cfg.clock_backend != "system") {
        config::fail_at(*b, "clock.backend", "expected virtual or system, got '" + cfg.clock_backend + "'");
      }
    });
  }
  // The virtual clock's limits (node/clock/virtual_clock.hpp): it must keep running forward.
  if (const Node* d = n.find("drift_ppm")) {
    errors.read([&] {
      cfg.drift_ppm =
          config::read_number(*d, "clock.drift_ppm", -node::VirtualClock::kMaxAbsRatePpm, node::VirtualClock::kMaxAbsRatePpm);
    });
  }
  if (const Node* m = n.find("max_slew_ppm")) {
    errors.read([&] { cfg.max_slew_ppm = config::read_number(*m, "clock.max_slew_ppm", 0, node::VirtualClock::kMaxSlewPpm); });
  }
  if (const Node* o = n.find("offset")) {
    errors.read([&] {
      cfg.offset = config::read_duration(*o, "clock.offset", Duration::from_ns(-node::VirtualClock::kMaxAbsOffsetNs),
                                         Duration::from_ns(node::VirtualClock::kMaxAbsOffsetNs));
    });
  }
  if (const Node* a = n.find("allow_system_clock")) {
    errors.read([&] { cfg.allow_system_clock = config::read_bool(*a, "clock.allow_system_clock"); });
  }
}

void read_peer_list(const Node& n, const std::string& path, std::vector<PeerConfig>& out) {
  config::expect_sequence(n, path, "a list of ID@HOST:PORT entries");
  for (std::size_t i = 0; i < n.items.size(); ++i) {
    const std::string item_path = config::child_path(path, i);
    auto p = parse_peer(config::read_string(n.items[i], item_path, "ID@HOST:PORT"));
    if (auto* e = std::get_if<std::string>(&p)) config::fail_at(n.items[i], item_path, *e);
    const NodeId id = std::get<PeerConfig>(p).id;
    if (auto e = reserved_id_problem(id)) config::fail_at(n.items[i], item_path, *e);
    for (std::size_t j = 0; j < i; ++j) {
      if (out[out.size() - i + j].id == id) {
        config::fail_at(n.items[i], item_path,
                        "id " + std::to_string(id) + " is listed twice (first as " + config::child_path(path, j) + ", line " +
                            std::to_string(n.items[j].pos.line) + ")");
      }
    }
    out.push_back(std::get<PeerConfig>(p));
    out.back().origin = origin_of(n.items[i], item_path);
  }
}

void read_ntp(const Node& n, DaemonConfig& cfg, FileErrors& errors) {
  config::expect_map(n, "ntp", "the ntp section");
  errors.read([&] { config::check_keys(n, "ntp", {"listen", "servers", "reference_clock"}); });
  if (const Node* l = n.find("listen")) {
    errors.read([&] {
      cfg.ntp_listen = read_bind_address(*l, "ntp.listen");
      cfg.ntp_listen_origin = origin_of(*l, "ntp.listen");
    });
  }
  if (const Node* l = n.find("servers")) errors.read([&] { read_peer_list(*l, "ntp.servers", cfg.ntp_servers); });
  if (const Node* l = n.find("reference_clock")) {
    errors.read([&] {
      cfg.reference_clock = config::read_string(*l, "ntp.reference_clock", "none or system");
      if (cfg.reference_clock != "none" && cfg.reference_clock != "system") {
        config::fail_at(*l, "ntp.reference_clock", "expected none or system, got '" + cfg.reference_clock + "'");
      }
      cfg.reference_clock_origin = origin_of(*l, "ntp.reference_clock");
    });
  }
}

// A relative path in the config file is relative to the file's folder.
std::string beside(const std::string& config_path, const std::string& file) {
  const std::filesystem::path p(file);
  return p.is_relative() ? (std::filesystem::path(config_path).parent_path() / p).string() : file;
}

void read_config(const Node& root, const std::string& path, DaemonConfig& cfg, FileErrors& errors) {
  config::expect_map(root, "", "the daemon configuration");
  errors.read([&] {
    config::check_keys(root, "", {"id", "listen", "status", "control", "allow_remote_status", "peers", "cluster",
                                  "key_file", "state_file", "insecure", "clock", "limits", "user", "algorithm", "seed",
                                  "ntp"});
  });
  if (const Node* n = root.find("id")) {
    errors.read([&] {
      const auto id = n->is_scalar() ? parse_node_id(n->text) : std::nullopt;
      if (!id) config::fail_at(*n, "id", "expected a node id such as 1 or n1, got " + config::yaml::describe(*n));
      if (auto e = reserved_id_problem(*id)) config::fail_at(*n, "id", *e);
      cfg.id = *id;
    });
  }
  if (const Node* n = root.find("listen")) errors.read([&] { cfg.listen = read_bind_address(*n, "listen"); });
  if (const Node* n = root.find("status")) errors.read([&] { cfg.status = read_bind_address(*n, "status"); });
  if (const Node* n = root.find("control")) {
    errors.read([&] {
      cfg.control = config::read_string(*n, "control", "a socket path or none");
      if (cfg.control != "none") cfg.control = beside(path, cfg.control);
      cfg.control_origin = origin_of(*n, "control");
    });
  }
  if (const Node* n = root.find("allow_remote_status")) {
    errors.read([&] { cfg.allow_remote_status = config::read_bool(*n, "allow_remote_status"); });
  }
  if (const Node* n = root.find("user")) errors.read([&] { cfg.user = config::read_string(*n, "user", "a user name"); });
  if (const Node* n = root.find("limits")) errors.read([&] { config::read_clock_limits(*n, "limits", cfg.limits, errors); });
  if (const Node* n = root.find("cluster")) {
    errors.read([&] { cfg.cluster = static_cast<std::uint32_t>(config::read_int(*n, "cluster", 0, 0xFFFFFFFF)); });
  }
  if (const Node* n = root.find("seed")) errors.read([&] { cfg.seed = config::read_uint64(*n, "seed"); });
  if (const Node* n = root.find("insecure")) errors.read([&] { cfg.insecure = config::read_bool(*n, "insecure"); });
  if (const Node* n = root.find("key_file")) {
    errors.read([&] { cfg.key_file = beside(path, config::read_string(*n, "key_file", "a file name")); });
    cfg.key_file_origin = origin_of(*n, "key_file");
  }
  if (const Node* n = root.find("state_file")) {
    errors.read([&] { cfg.state_file = beside(path, config::read_string(*n, "state_file", "a file name")); });
    cfg.state_file_origin = origin_of(*n, "state_file");
  }
  if (const Node* n = root.find("peers")) errors.read([&] { read_peer_list(*n, "peers", cfg.peers); });
  if (const Node* n = root.find("clock")) errors.read([&] { read_clock(*n, cfg, errors); });
  if (const Node* n = root.find("ntp")) errors.read([&] { read_ntp(*n, cfg, errors); });
  if (const Node* n = root.find("algorithm")) {
    errors.read([&] {
      config::expect_map(*n, "algorithm", "the algorithm section");
      errors.read([&] { config::check_keys(*n, "algorithm", {"sync", "election", "can_be_master"}); });
      if (const Node* s = n->find("sync")) errors.read([&] { read_layer(*s, "sync", cfg.sync_kind, cfg.params); });
      if (const Node* e = n->find("election")) {
        errors.read([&] {
          read_layer(*e, "election", cfg.election_kind, cfg.params);
          cfg.election_origin = origin_of(*e, "algorithm.election");
        });
      }
      if (const Node* m = n->find("can_be_master")) {
        errors.read([&] { cfg.can_be_master = config::read_bool(*m, "algorithm.can_be_master"); });
      }
    });
  }
}

}  // namespace

std::optional<std::string> load_config_file(const std::string& path, DaemonConfig& cfg) {
  FileErrors errors;
  // A file that is not YAML, or not a mapping, has nothing more to read: its one error.
  errors.read([&] { read_config(config::load_yaml_file(path, "config file"), path, cfg, errors); });
  return errors.text();
}

namespace {

std::variant<algorithms::LayerChoice, std::string> build_layer(const std::string& kind,
                                                               algorithms::Layer layer, const std::string& layer_name) {
  algorithms::LayerChoice choice;
  if (auto e = unknown_kind(kind, layer, layer_name)) return *e;
  if (kind.empty() || (layer == algorithms::Layer::kElection && kind == "none")) return choice;
  const auto* info = algorithms::find_algorithm(kind, layer);
  choice.kind = kind;
  choice.params = ParamSet::defaults(info->params);
  return choice;
}

const ParamSpec* find_spec(const std::string& kind, algorithms::Layer layer, const std::string& name) {
  if (kind.empty()) return nullptr;
  const auto* info = algorithms::find_algorithm(kind, layer);
  if (!info) return nullptr;
  for (const auto& p : info->params) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace

std::variant<ParamOverride, std::string> parse_param_override(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return "--set: expected NAME=VALUE, got '" + text + "'";
  ParamOverride o;
  o.name = text.substr(0, eq);
  for (const std::string layer : {"sync", "election"}) {
    if (o.name.rfind(layer + ".", 0) == 0) {
      o.layer = layer;
      o.name = o.name.substr(layer.size() + 1);
    }
  }
  o.value = text.substr(eq + 1);
  o.origin = "--set " + text;
  return o;
}

std::variant<algorithms::StackSetup, std::string> build_stack_setup(const DaemonConfig& cfg) {
  if (!cfg.id) return std::string("no node id: give --id or 'id:' in the config");
  algorithms::StackSetup setup;
  auto sync = build_layer(cfg.sync_kind, algorithms::Layer::kSync, "sync");
  if (auto* e = std::get_if<std::string>(&sync)) return *e;
  setup.sync = std::get<algorithms::LayerChoice>(sync);
  auto election = build_layer(cfg.election_kind, algorithms::Layer::kElection, "election");
  if (auto* e = std::get_if<std::string>(&election)) return *e;
  setup.election = std::get<algorithms::LayerChoice>(election);

  for (const auto& o : cfg.params) {
    const ParamSpec* in_sync = o.layer != "election" ? find_spec(setup.sync.kind, algorithms::Layer::kSync, o.name) : nullptr;
    const ParamSpec* in_election =
        o.layer != "sync" ? find_spec(setup.election.kind, algorithms::Layer::kElection, o.name) : nullptr;
    const std::string key = (o.layer.empty() ? "" : o.layer + ".") + o.name;
    if (!in_sync && !in_election && o.layer != "election") {
      if (auto instead = election::moved_to_static_election(setup.sync.kind, o.name)) {
        return o.origin + ": parameter '" + key + "' of sync algorithm '" + setup.sync.kind + "' has moved: " + *instead;
      }
    }
    if (!in_sync && !in_election) {
      std::string list;
      if (const auto* i = algorithms::find_algorithm(setup.sync.kind, algorithms::Layer::kSync)) {
        for (const auto& p : i->params) list += (list.empty() ? "" : ", ") + p.name;
      }
      if (const auto* i = algorithms::find_algorithm(setup.election.kind, algorithms::Layer::kElection)) {
        for (const auto& p : i->params) list += (list.empty() ? "" : ", ") + p.name;
      }
      return o.origin + ": parameter '" + key + "' is not declared by the configured algorithms" +
             (list.empty() ? std::string(" (they take none)") : "; expected one of " + list);
    }
    if (in_sync && in_election) {
      return o.origin + ": parameter '" + o.name + "' exists in both layers; write sync." + o.name + " or election." + o.name;
    }
    const ParamSpec& spec = in_sync ? *in_sync : *in_election;
    auto v = parse_param_text(spec, o.value);
    if (auto* e = std::get_if<std::string>(&v)) return o.origin + ": parameter '" + key + "': " + *e;
    (in_sync ? setup.sync.params : setup.election.params).set(o.name, std::get<ParamValue>(v));
  }
  for (const auto* layer : {&setup.sync, &setup.election}) {
    if (layer->kind.empty()) continue;
    const auto* info = algorithms::find_algorithm(layer->kind, layer == &setup.sync ? algorithms::Layer::kSync
                                                                                      : algorithms::Layer::kElection);
    if (info == nullptr || !info->check_params) continue;
    const auto conflict = info->check_params(layer->params);
    if (!conflict) continue;
    // Blamed where the user wrote it: the last writing of the first named parameter written.
    for (const std::string& name : conflict->params) {
      for (auto o = cfg.params.rbegin(); o != cfg.params.rend(); ++o) {
        if (o->name == name) return o->origin + ": parameter '" + name + "': " + conflict->why;
      }
    }
    return conflict->why;
  }

  if (!setup.election.kind.empty()) {
    for (const auto& a : algorithms::catalogue()) {
      if (a.layer == algorithms::Layer::kSync && a.kind == setup.sync.kind && !a.runs_under_election) {
        return cfg.election_origin + "sync algorithm '" + a.kind +
               "' runs alone and cannot run under an election; leave 'election' out";
      }
    }
  }
  if (auto e = reserved_id_problem(*cfg.id)) return "this node's " + *e;
  std::vector<NodeId> members{*cfg.id};
  for (const auto& p : cfg.peers) {
    if (auto e = reserved_id_problem(p.id)) return p.origin + "peer " + *e;
    if (p.id == *cfg.id) return p.origin + "peers: " + std::to_string(p.id) + " is this node's own id";
    if (std::count(members.begin(), members.end(), p.id) > 0) {
      return p.origin + "peers: id " + std::to_string(p.id) + " is listed twice";
    }
    members.push_back(p.id);
  }
  std::sort(members.begin(), members.end());
  for (const auto& s : cfg.ntp_servers) {
    if (auto e = reserved_id_problem(s.id)) return s.origin + "ntp server " + *e;
    if (std::binary_search(members.begin(), members.end(), s.id)) {
      return s.origin + "ntp server id " + std::to_string(s.id) + " is already this node's or a peer's id";
    }
    if (std::count_if(cfg.ntp_servers.begin(), cfg.ntp_servers.end(), [&s](const PeerConfig& o) { return o.id == s.id; }) > 1) {
      return s.origin + "ntp server id " + std::to_string(s.id) + " is listed twice";
    }
    setup.servers.push_back(s.id);
  }
  // Parameters that name nodes (a leader, a primary, a trusted list) name members; the error points
  // where the value was written, or at the layer whose default names no member.
  for (const auto* layer : {&setup.sync, &setup.election}) {
    if (layer->kind.empty()) continue;
    const bool is_sync = layer == &setup.sync;
    const auto* info = algorithms::find_algorithm(layer->kind, is_sync ? algorithms::Layer::kSync : algorithms::Layer::kElection);
    if (info == nullptr) continue;
    const auto foreign = algorithms::foreign_node_param(
        *info, layer->params, [&members](NodeId id) { return std::binary_search(members.begin(), members.end(), id); });
    if (!foreign) continue;
    std::string list;
    for (NodeId m : members) list += (list.empty() ? "" : ", ") + std::to_string(m);
    const std::string why = "node id " + std::to_string(foreign->id) + " is not a member (the members are " + list + ")";
    const std::string layer_name = is_sync ? "sync" : "election";
    for (auto o = cfg.params.rbegin(); o != cfg.params.rend(); ++o) {
      if (o->name == foreign->param && (o->layer.empty() || o->layer == layer_name)) {
        return o->origin + ": parameter '" + foreign->param + "': " + why;
      }
    }
    return layer_name + " algorithm '" + layer->kind + "' defaults " + foreign->param + " to node id " +
           std::to_string(foreign->id) + ", which is not a member (the members are " + list + "); set " + foreign->param;
  }
  if (cfg.sync_kind != "ntp") {
    // Only the ntp algorithm answers NTP clients or polls servers: with another, the NTP port would
    // take requests that nothing answers.
    std::string given, origin;
    if (!cfg.ntp_listen.empty()) {
      given = "ntp.listen (--ntp-listen)";
      origin = cfg.ntp_listen_origin;
    }
    if (!cfg.ntp_servers.empty()) {
      given += (given.empty() ? "" : ", ") + std::string("ntp.servers (--ntp-server)");
      if (origin.empty()) origin = cfg.ntp_servers.front().origin;
    }
    if (cfg.reference_clock != "none") {
      given += (given.empty() ? "" : ", ") + std::string("ntp.reference_clock (--reference-clock)");
      if (origin.empty()) origin = cfg.reference_clock_origin;
    }
    if (!given.empty()) {
      return origin + given + " need" + (given.find(',') == std::string::npos ? "s" : "") + " sync: ntp, not '" +
             cfg.sync_kind + "'";
    }
  }
  setup.reference_clock = cfg.reference_clock == "system";
  setup.membership.self = *cfg.id;
  setup.membership.members = std::make_shared<const std::vector<NodeId>>(std::move(members));
  // Each node its own stream, derived as the simulator derives per-node streams.
  setup.seed = derive_seed(derive_seed(cfg.seed, "daemon/algorithm"), static_cast<std::uint64_t>(*cfg.id));
  setup.can_be_master = cfg.can_be_master;
  return setup;
}

namespace {

// A socket's own address and every address reached from it: each parses, and each can be reached
// from that socket (reachable_from: its IP version, or either from the dual-stack [::]).
std::optional<std::string> check_addresses(const std::string& local, const std::string& local_what,
                                           const std::vector<PeerConfig>& remotes, const std::string& remote_what) {
  auto at = parse_bind_address(local);
  if (auto* e = std::get_if<std::string>(&at)) return local_what + ": " + *e;
  for (const auto& r : remotes) {
    auto to = parse_destination(r.address);
    const std::string who = remote_what + " " + std::to_string(r.id) + ": ";
    if (auto* e = std::get_if<std::string>(&to)) return who + *e;
    auto reached = reachable_from(std::get<Endpoint>(at), std::get<Endpoint>(to));
    if (auto* e = std::get_if<std::string>(&reached)) return who + *e;
  }
  return std::nullopt;
}

}  // namespace

std::variant<LoopConfig, std::string> build_loop_config(const DaemonConfig& cfg) {
  if (!cfg.id) return std::string("no node id: give --id or 'id:' in the config");
  if (cfg.listen.empty()) return std::string("no listen address: give --listen HOST:PORT or 'listen:' in the config");
  if (auto e = check_addresses(cfg.listen, "listen", cfg.peers, "peer")) return *e;
  LoopConfig loop;
  loop.self = *cfg.id;
  loop.listen = cfg.listen;
  loop.status = cfg.status;
  loop.allow_remote_status = cfg.allow_remote_status;
  if (!loop.status.empty()) {
    auto status = parse_bind_address(loop.status);
    if (auto* e = std::get_if<std::string>(&status)) return "status: " + *e;
    if (!std::get<Endpoint>(status).addr.is_loopback() && !loop.allow_remote_status) {
      return "status: " + loop.status +
             " is not a loopback address; the UDP status socket answers anyone who can reach it, so this needs "
             "--allow-remote-status (allow_remote_status: true), or use the Unix control socket";
    }
  }
  loop.control = cfg.control.empty() ? "/run/clocksyncd/node" + std::to_string(*cfg.id) + ".sock" : cfg.control;
  if (loop.control == "none") loop.control.clear();
  loop.control_origin = cfg.control_origin;
  loop.clock_limits = cfg.limits;
  loop.peers = cfg.peers;
  loop.cluster = cfg.cluster;
  loop.sync_kind = cfg.sync_kind;
  loop.election_kind = cfg.election_kind;
  for (const auto& s : cfg.ntp_servers) loop.ntp_servers.push_back(NtpServer{s.id, s.address});
  // Without ntp.listen the servers are polled from a client-only port (ntp_client_address).
  const std::string ntp_local = cfg.ntp_listen.empty() ? ntp_client_address(loop.ntp_servers) : cfg.ntp_listen;
  if (auto e = check_addresses(ntp_local, "ntp listen", cfg.ntp_servers, "ntp server")) return *e;
  loop.ntp_listen = cfg.ntp_listen;
  loop.reference_clock_system = cfg.reference_clock == "system";
  return loop;
}

}  // namespace clocksim::daemon
