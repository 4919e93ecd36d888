#include "daemon/config/daemon_config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <set>

#include "algorithms/core/duration_parse.hpp"
#include "algorithms/core/rng.hpp"
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
  auto ep = parse_endpoint(text.substr(at + 1));
  if (auto* e = std::get_if<std::string>(&ep)) return "peer " + *e;
  return PeerConfig{*id, text.substr(at + 1)};
}

namespace {

// Location of a YAML node, "file:line:col" (1-based).
std::string where(const std::string& file, const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  return file + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

struct Reader {
  const std::string& file;

  std::string error(const YAML::Node& n, const std::string& key, const std::string& what) const {
    return where(file, n) + ": key '" + key + "': " + what;
  }

  // Every key known and none repeated (yaml-cpp 0.7 silently keeps one of two equal keys).
  std::optional<std::string> check_keys(const YAML::Node& map, const std::string& ctx,
                                        const std::vector<std::string>& allowed) const {
    if (!map.IsMap()) return where(file, map) + ": '" + ctx + "' must be a mapping";
    std::set<std::string> seen;
    for (const auto& kv : map) {
      const std::string key = kv.first.as<std::string>();
      const std::string full = ctx.empty() ? key : ctx + "." + key;
      if (!seen.insert(key).second) return error(kv.first, full, "given twice");
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        return error(kv.first, full, "unknown key; expected one of " + list);
      }
    }
    return std::nullopt;
  }
};

template <class T>
std::optional<std::string> read_number(const Reader& r, const YAML::Node& n, const std::string& key, T& out) {
  if (!n.IsScalar()) return r.error(n, key, "expected a number");
  const std::string s = n.Scalar();
  T v{};
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return r.error(n, key, "expected a number, got '" + s + "'");
  out = v;
  return std::nullopt;
}

std::optional<std::string> read_bool(const Reader& r, const YAML::Node& n, const std::string& key, bool& out) {
  const std::string s = n.IsScalar() ? n.Scalar() : "";
  if (s == "true" || s == "yes" || s == "on") return out = true, std::nullopt;
  if (s == "false" || s == "no" || s == "off") return out = false, std::nullopt;
  return r.error(n, key, "expected true or false, got '" + s + "'");
}

std::optional<std::string> read_string(const Reader& r, const YAML::Node& n, const std::string& key, std::string& out) {
  if (!n.IsScalar() || n.Scalar().empty()) return r.error(n, key, "expected a non-empty string");
  out = n.Scalar();
  return std::nullopt;
}

std::optional<std::string> read_layer(const Reader& r, const YAML::Node& n, const std::string& layer,
                                      std::string& kind, std::vector<ParamOverride>& params) {
  const std::string ctx = "algorithm." + layer;
  if (n.IsScalar()) return read_string(r, n, ctx, kind);  // "sync: berkeley"
  if (!n.IsMap()) return r.error(n, ctx, "expected a kind or a mapping {kind: ..., param: value}");
  std::set<std::string> seen;
  bool has_kind = false;
  for (const auto& kv : n) {
    const std::string key = kv.first.as<std::string>();
    if (!seen.insert(key).second) return r.error(kv.first, ctx + "." + key, "given twice");
    if (key == "kind") {
      if (auto e = read_string(r, kv.second, ctx + ".kind", kind)) return e;
      has_kind = true;
      continue;
    }
    if (!kv.second.IsScalar()) return r.error(kv.second, ctx + "." + key, "expected a single value");
    params.push_back({layer, key, kv.second.Scalar(), where(r.file, kv.second)});
  }
  if (!has_kind) return r.error(n, ctx, "missing 'kind'");
  return std::nullopt;
}

}  // namespace

std::optional<std::string> load_config_file(const std::string& path, DaemonConfig& cfg) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return path + ": cannot open config file";
  } catch (const YAML::ParserException& e) {
    return path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) + ": " + e.msg;
  }
  const Reader r{path};
  if (auto e = r.check_keys(root, "", {"id", "listen", "status", "control", "allow_remote_status", "peers", "cluster",
                                       "key_file", "insecure", "clock", "limits", "user", "algorithm", "seed", "ntp"})) {
    return e;
  }
  try {
    if (const auto n = root["id"]) {
      const auto id = n.IsScalar() ? parse_node_id(n.Scalar()) : std::nullopt;
      if (!id) return r.error(n, "id", "expected a node id such as 1 or n1");
      cfg.id = *id;
    }
    if (const auto n = root["listen"]) {
      if (auto e = read_string(r, n, "listen", cfg.listen)) return e;
    }
    if (const auto n = root["status"]) {
      if (auto e = read_string(r, n, "status", cfg.status)) return e;
    }
    if (const auto n = root["control"]) {
      if (auto e = read_string(r, n, "control", cfg.control)) return e;
      const std::filesystem::path p(cfg.control);
      if (cfg.control != "none" && p.is_relative()) {
        cfg.control = (std::filesystem::path(path).parent_path() / p).string();
      }
    }
    if (const auto n = root["allow_remote_status"]) {
      if (auto e = read_bool(r, n, "allow_remote_status", cfg.allow_remote_status)) return e;
    }
    if (const auto n = root["user"]) {
      if (auto e = read_string(r, n, "user", cfg.user)) return e;
    }
    if (const auto n = root["limits"]) {
      if (auto e = r.check_keys(n, "limits", {"panic_threshold", "master_max_adjust", "min_step", "max_rate_ppm",
                                              "startup_updates"})) {
        return e;
      }
      for (const char* name : {"panic_threshold", "master_max_adjust", "min_step"}) {
        if (const auto d = n[name]) {
          const auto v = d.IsScalar() ? parse_duration(d.Scalar()) : std::nullopt;
          const std::string key = std::string("limits.") + name;
          if (!v || v->ns() < 0) return r.error(d, key, "expected a duration >= 0 such as 1000s or 500ms (0: off)");
          Duration& out = std::string(name) == "panic_threshold"     ? cfg.limits.panic_threshold
                          : std::string(name) == "master_max_adjust" ? cfg.limits.master_max_adjust
                                                                     : cfg.limits.min_step;
          out = *v;
        }
      }
      if (const auto d = n["max_rate_ppm"]) {
        if (auto e = read_number(r, d, "limits.max_rate_ppm", cfg.limits.max_rate_ppm)) return e;
        if (!(cfg.limits.max_rate_ppm > 0 && cfg.limits.max_rate_ppm <= 10'000)) {
          return r.error(d, "limits.max_rate_ppm", "expected a number in (0, 10000]");
        }
      }
      if (const auto d = n["startup_updates"]) {
        if (auto e = read_number(r, d, "limits.startup_updates", cfg.limits.startup_updates)) return e;
        if (cfg.limits.startup_updates < 0) return r.error(d, "limits.startup_updates", "expected a count >= 0");
      }
    }
    if (const auto n = root["cluster"]) {
      if (auto e = read_number(r, n, "cluster", cfg.cluster)) return e;
    }
    if (const auto n = root["seed"]) {
      if (auto e = read_number(r, n, "seed", cfg.seed)) return e;
    }
    if (const auto n = root["insecure"]) {
      if (auto e = read_bool(r, n, "insecure", cfg.insecure)) return e;
    }
    if (const auto n = root["key_file"]) {
      if (auto e = read_string(r, n, "key_file", cfg.key_file)) return e;
      const std::filesystem::path p(cfg.key_file);
      if (p.is_relative()) cfg.key_file = (std::filesystem::path(path).parent_path() / p).string();
    }
    if (const auto n = root["peers"]) {
      if (!n.IsSequence()) return r.error(n, "peers", "expected a list of ID@HOST:PORT");
      for (const auto& item : n) {
        if (!item.IsScalar()) return r.error(item, "peers", "expected ID@HOST:PORT");
        auto p = parse_peer(item.Scalar());
        if (auto* e = std::get_if<std::string>(&p)) return r.error(item, "peers", *e);
        cfg.peers.push_back(std::get<PeerConfig>(p));
      }
    }
    if (const auto n = root["clock"]) {
      if (auto e = r.check_keys(n, "clock", {"backend", "drift_ppm", "offset", "max_slew_ppm", "allow_system_clock"})) {
        return e;
      }
      if (const auto b = n["backend"]) {
        if (auto e = read_string(r, b, "clock.backend", cfg.clock_backend)) return e;
      }
      if (const auto d = n["drift_ppm"]) {
        if (auto e = read_number(r, d, "clock.drift_ppm", cfg.drift_ppm)) return e;
      }
      if (const auto s = n["max_slew_ppm"]) {
        if (auto e = read_number(r, s, "clock.max_slew_ppm", cfg.max_slew_ppm)) return e;
      }
      if (const auto o = n["offset"]) {
        const auto d = o.IsScalar() ? parse_duration(o.Scalar()) : std::nullopt;
        if (!d) return r.error(o, "clock.offset", "expected a duration such as 20ms or -1.5s");
        cfg.offset = *d;
      }
      if (const auto a = n["allow_system_clock"]) {
        if (auto e = read_bool(r, a, "clock.allow_system_clock", cfg.allow_system_clock)) return e;
      }
    }
    if (const auto n = root["ntp"]) {
      if (auto e = r.check_keys(n, "ntp", {"listen", "servers", "reference_clock"})) return e;
      if (const auto l = n["listen"]) {
        if (auto e = read_string(r, l, "ntp.listen", cfg.ntp_listen)) return e;
      }
      if (const auto l = n["servers"]) {
        if (!l.IsSequence()) return r.error(l, "ntp.servers", "expected a list of ID@HOST:PORT");
        for (const auto& item : l) {
          if (!item.IsScalar()) return r.error(item, "ntp.servers", "expected ID@HOST:PORT");
          auto p = parse_peer(item.Scalar());
          if (auto* e = std::get_if<std::string>(&p)) return r.error(item, "ntp.servers", *e);
          cfg.ntp_servers.push_back(std::get<PeerConfig>(p));
        }
      }
      if (const auto l = n["reference_clock"]) {
        if (auto e = read_string(r, l, "ntp.reference_clock", cfg.reference_clock)) return e;
        if (cfg.reference_clock != "none" && cfg.reference_clock != "system") {
          return r.error(l, "ntp.reference_clock", "expected none or system, got '" + cfg.reference_clock + "'");
        }
      }
    }
    if (const auto n = root["algorithm"]) {
      if (auto e = r.check_keys(n, "algorithm", {"sync", "election", "can_be_master"})) return e;
      if (const auto s = n["sync"]) {
        if (auto e = read_layer(r, s, "sync", cfg.sync_kind, cfg.params)) return e;
      }
      if (const auto s = n["election"]) {
        if (auto e = read_layer(r, s, "election", cfg.election_kind, cfg.params)) return e;
      }
      if (const auto m = n["can_be_master"]) {
        if (auto e = read_bool(r, m, "algorithm.can_be_master", cfg.can_be_master)) return e;
      }
    }
  } catch (const YAML::Exception& e) {
    return path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) + ": " + e.msg;
  }
  return std::nullopt;
}

namespace {

std::variant<algorithms::LayerChoice, std::string> build_layer(const std::string& kind,
                                                               algorithms::Layer layer, const std::string& layer_name) {
  algorithms::LayerChoice choice;
  if (kind.empty() || (layer == algorithms::Layer::kElection && kind == "none")) return choice;
  const auto* info = algorithms::find_algorithm(kind, layer);
  if (!info) {
    std::string list;
    for (const auto& a : algorithms::catalogue()) {
      if (a.layer == layer) list += (list.empty() ? "" : ", ") + a.kind;
    }
    return layer_name + " algorithm '" + kind + "' is not known; available: " + list;
  }
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

  std::vector<NodeId> members{*cfg.id};
  for (const auto& p : cfg.peers) members.push_back(p.id);
  std::sort(members.begin(), members.end());
  if (std::adjacent_find(members.begin(), members.end()) != members.end()) {
    return std::string("peer ids must be distinct and differ from this node's id");
  }
  for (const auto& s : cfg.ntp_servers) {
    if (std::binary_search(members.begin(), members.end(), s.id)) {
      return "ntp server id " + std::to_string(s.id) + " is already this node's or a peer's id";
    }
    if (std::count_if(cfg.ntp_servers.begin(), cfg.ntp_servers.end(), [&s](const PeerConfig& o) { return o.id == s.id; }) > 1) {
      return "ntp server id " + std::to_string(s.id) + " is listed twice";
    }
    setup.servers.push_back(s.id);
  }
  if ((!cfg.ntp_servers.empty() || cfg.reference_clock != "none") && cfg.sync_kind != "ntp") {
    return std::string("ntp servers and a reference clock need sync: ntp");
  }
  setup.reference_clock = cfg.reference_clock == "system";
  setup.membership.self = *cfg.id;
  setup.membership.members = std::make_shared<const std::vector<NodeId>>(std::move(members));
  // Each node its own stream, derived as the simulator derives per-node streams.
  setup.seed = derive_seed(derive_seed(cfg.seed, "daemon/algorithm"), static_cast<std::uint64_t>(*cfg.id));
  setup.can_be_master = cfg.can_be_master;
  return setup;
}

std::variant<LoopConfig, std::string> build_loop_config(const DaemonConfig& cfg) {
  if (!cfg.id) return std::string("no node id: give --id or 'id:' in the config");
  if (cfg.listen.empty()) return std::string("no listen address: give --listen HOST:PORT or 'listen:' in the config");
  auto listen = parse_endpoint(cfg.listen);
  if (auto* e = std::get_if<std::string>(&listen)) return "listen: " + *e;
  LoopConfig loop;
  loop.self = *cfg.id;
  loop.listen = cfg.listen;
  loop.status = cfg.status;
  loop.allow_remote_status = cfg.allow_remote_status;
  if (!loop.status.empty()) {
    auto status = parse_endpoint(loop.status);
    if (auto* e = std::get_if<std::string>(&status)) return "status: " + *e;
    if (!is_loopback(std::get<Endpoint>(status).addr) && !loop.allow_remote_status) {
      return "status: " + loop.status +
             " is not a loopback address; the UDP status socket answers anyone who can reach it, so this needs "
             "--allow-remote-status (allow_remote_status: true), or use the Unix control socket";
    }
  }
  loop.control = cfg.control.empty() ? "/run/clocksyncd/node" + std::to_string(*cfg.id) + ".sock" : cfg.control;
  if (loop.control == "none") loop.control.clear();
  loop.clock_limits = cfg.limits;
  loop.peers = cfg.peers;
  loop.cluster = cfg.cluster;
  loop.sync_kind = cfg.sync_kind;
  loop.election_kind = cfg.election_kind;
  loop.ntp_listen = cfg.ntp_listen;
  for (const auto& s : cfg.ntp_servers) loop.ntp_servers.push_back(NtpServer{s.id, s.address});
  loop.reference_clock_system = cfg.reference_clock == "system";
  return loop;
}

}  // namespace clocksim::daemon
