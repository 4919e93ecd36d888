#include "sim/scenario/json_schema.hpp"

#include <map>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "algorithms/core/duration_parse.hpp"
#include "algorithms/registry.hpp"
#include "config/clock_limits.hpp"
#include "sim/scenario/keys.hpp"
#include "sim/scenario/suggest.hpp"

namespace clocksim::scenario {
namespace {

using Json = nlohmann::ordered_json;

Json ref(const std::string& def) { return Json{{"$ref", "#/$defs/" + def}}; }

// An object whose properties are exactly `keys`, each described in `props` (a key without a
// description is a bug in this file, caught by the schema test).
Json closed_object(const std::vector<std::string>& keys, const std::map<std::string, Json>& props,
                   const std::vector<std::string>& required = {}) {
  Json o{{"type", "object"}};
  Json p = Json::object();
  for (const auto& k : keys) {
    auto it = props.find(k);
    if (it == props.end()) throw std::logic_error("scenario schema: no description for key '" + k + "'");
    p[k] = it->second;
  }
  o["properties"] = p;
  if (!required.empty()) o["required"] = required;
  o["additionalProperties"] = false;
  return o;
}

Json with_doc(Json j, const std::string& doc) {
  j["description"] = doc;
  return j;
}

// A top-level section may be written with no value (`faults:`, or `--set faults=`): the loader
// takes it as absent.
Json or_empty(const Json& section) {
  Json j = Json::object();
  if (section.contains("description")) j["description"] = section["description"];  // shown by editors on the key
  j["anyOf"] = Json::array({section, Json{{"type", "null"}, {"description", "empty: as if absent"}}});
  return j;
}

// Patterns (ECMA-262) mirroring parse_duration and the distribution grammar.
const std::string kNumber = R"([-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)";
const std::string kUnit = "(?:ns|us|ms|s|min|m|h)";
const std::string kDurationMagnitude = R"((?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))" " *" + kUnit;
// parse_duration takes a sign on any duration; where only non-negative ones are allowed, "+"
// still reads as the value it prefixes.
const std::string kDuration = "\\+?" + kDurationMagnitude;  // non-negative
const std::string kSignedDuration = "[-+]?" + kDurationMagnitude;

// kind(args): each argument optionally named, its value a number or (for durations) a duration.
std::string dist_call_pattern(bool durations, bool latency) {
  std::vector<std::string> kinds;
  for (const auto& k : keys::distribution_kinds()) {
    if (k != "adversarial" || latency) kinds.push_back(k);
  }
  const std::string value = durations ? "(?:" + kSignedDuration + "|" + kNumber + ")" : kNumber;
  const std::string arg = "(?:[a-z_]+ *= *)?" + value;
  return "(?:" + join(kinds, "|") + ") *\\( *" + arg + "(?: *, *" + arg + ")* *\\)";
}

Json duration_schema(bool is_signed) {
  return Json{{"description", std::string("a ") + (is_signed ? "" : "non-negative ") +
                                  "duration with a unit: ns, us, ms, s, m (or min), h; e.g. 250ms, 1.5s, 2m"},
              {"anyOf", Json::array({Json{{"type", "string"},
                                          {"pattern", "^ *" + (is_signed ? kSignedDuration : kDuration) + " *$"}},
                                     Json{{"const", 0}}})}};
}

Json distribution_schema(bool durations, bool latency) {
  const std::string value = durations ? "(?:" + kSignedDuration + "|0)" : kNumber;
  const std::string pattern = "^ *(?:" + value + "|(?:" + value + R"( *\+ *)?)" + dist_call_pattern(durations, latency) + ") *$";
  Json alternatives = Json::array({Json{{"type", "string"}, {"pattern", pattern}}});
  alternatives.push_back(durations ? Json{{"const", 0}} : Json{{"type", "number"}});
  const std::string doc =
      durations ? std::string("a duration or a distribution of durations: constant(v), uniform(min, max), normal(mean, sd), "
                              "lognormal(median, sigma), exponential(mean), pareto(scale, shape)") +
                      (latency ? ", adversarial(min, max)" : "") + ", optionally \"shift + dist(...)\""
                : "a number in ppm or a distribution of numbers: constant(v), uniform(min, max), normal(mean, sd), "
                  "lognormal(median, sigma), exponential(mean), pareto(scale, shape), optionally \"shift + dist(...)\"";
  return Json{{"description", doc}, {"anyOf", alternatives}};
}

Json number_range(double min, double max) {
  Json j{{"type", "number"}};
  if (min > -1e300) j["minimum"] = min;
  if (max < 1e300) j["maximum"] = max;
  return j;
}

// (0, max]: the loader refuses 0 as it refuses a negative number.
Json positive_up_to(double max) {
  Json j{{"type", "number"}, {"exclusiveMinimum", 0}};
  j["maximum"] = max;
  return j;
}

Json param_schema(const ParamSpec& p) {
  Json j;
  switch (p.type) {
    case ParamType::kBool: j = Json{{"type", "boolean"}, {"default", std::get<bool>(p.default_value)}}; break;
    case ParamType::kInt:
      j = Json{{"type", "integer"}};
      if (p.min > -1e300) j["minimum"] = static_cast<std::int64_t>(p.min);
      if (p.max < 1e300) j["maximum"] = static_cast<std::int64_t>(p.max);
      j["default"] = std::get<std::int64_t>(p.default_value);
      break;
    case ParamType::kDouble:
      j = number_range(p.min, p.max);
      j["default"] = std::get<double>(p.default_value);
      break;
    case ParamType::kDuration:
      j = ref("duration");
      j["default"] = param_to_string(p.default_value);
      break;
    case ParamType::kDurationRange:
      j = Json{{"anyOf", Json::array({ref("duration"),
                                      Json{{"type", "string"},
                                           {"pattern", "^ *uniform *\\( *(?:min *= *)?" + kDuration +
                                                           " *, *(?:max *= *)?" + kDuration + " *\\) *$"}}})}};
      j["default"] = param_to_string(p.default_value);
      break;
    case ParamType::kChoice:
      j = Json{{"enum", p.choices}, {"default", std::get<std::string>(p.default_value)}};
      break;
    case ParamType::kNodeList: {
      Json ids = Json::array();
      if (const auto parsed = parse_node_list(std::get<std::string>(p.default_value))) {
        for (NodeId id : *parsed) ids.push_back(id);
      }
      j = Json{{"type", "array"}, {"items", Json{{"type", "integer"}, {"minimum", 0}}}, {"default", ids}};
      break;
    }
  }
  j["description"] = p.doc;
  return j;
}

Json layer_schema(algorithms::Layer layer) {
  std::vector<std::string> kinds;
  Json alternatives = Json::array();
  for (const auto& a : algorithms::catalogue()) {
    if (a.layer != layer) continue;
    kinds.push_back(a.kind);
    Json props = Json::object();
    props["kind"] = Json{{"const", a.kind}, {"description", a.summary}};
    for (const auto& p : a.params) props[p.name] = param_schema(p);
    alternatives.push_back(
        Json{{"type", "object"}, {"properties", props}, {"required", {"kind"}}, {"additionalProperties", false}});
  }
  if (layer == algorithms::Layer::kElection) kinds.insert(kinds.begin(), "none");
  alternatives.insert(alternatives.begin(), Json{{"enum", kinds}, {"description", "an algorithm kind with default parameters"}});
  return Json{{"anyOf", alternatives}};
}

Json node_name() {
  return Json{{"type", "string"},
              {"pattern", "^[A-Za-z_][A-Za-z0-9_.-]*$"},
              {"description", "a node name: n<id> by default, or the name given in the nodes list"}};
}

Json node_pair() {
  return Json{{"type", "array"}, {"items", ref("node_name")}, {"minItems", 2}, {"maxItems", 2}};
}

std::map<std::string, Json> clock_props() {
  return {
      {"initial_offset", with_doc(ref("duration_distribution"), "offset of each clock from true time at t=0 (default 0)")},
      {"drift_ppm", with_doc(ref("ppm_distribution"), "constant rate error in ppm, drawn per node (default 0)")},
      {"wander_ppm_per_sqrt_s", with_doc(number_range(0, 1e6), "random walk of the rate, ppm after 1 s (default 0)")},
      {"sine_amplitude_ppm", with_doc(ref("ppm_distribution"), "amplitude of a sinusoidal (temperature-like) rate term (default 0)")},
      {"sine_period", with_doc(ref("duration"), "period of the sinusoidal term (default 1 day)")},
      {"max_slew_ppm", with_doc(positive_up_to(1e6), "adjtime's bounded slew rate in ppm (default 500)")},
      {"resolution", with_doc(ref("duration"), "clock readings are truncated to this granularity (default 1ns)")},
  };
}

// clocksyncd's `limits:` section (config/clock_limits), at the top level and in a node entry.
Json limits_schema() {
  return closed_object(
    config::clock_limit_keys(),
    {{"panic_threshold", with_doc(ref("duration"), "refuse a correction larger than this (0: off; default 1000s)")},
     {"panic_window", with_doc(ref("duration"), "corrections accepted within this much time add up to at "
                                                "most panic_threshold (0: each judged alone; default 1h)")},
     {"master_max_adjust", with_doc(ref("duration"), "after start-up a master moves its own clock by at most "
                                                     "this per adjustment (0: off; default 1s)")},
     {"min_step", with_doc(ref("duration"), "after start-up a smaller step is slewed instead (default 0)")},
     {"max_rate_ppm", Json{{"type", "number"}, {"exclusiveMinimum", 0}, {"maximum", 10000}, {"default", 500},
                           {"description", "frequency corrections are clamped to +-this"}}},
     {"startup_updates", Json{{"type", "integer"}, {"minimum", 0}, {"default", 3},
                              {"description", "corrections within panic_threshold that end the start-up allowance"}}},
     {"startup_quorum", Json{{"type", "integer"}, {"minimum", 0}, {"maximum", kMaxStartupQuorum}, {"default", 2},
                             {"description", "consulted members that must corroborate a start-up correction "
                                             "above panic_threshold (0: the start-up rule off)"}}},
     {"startup_tolerance", with_doc(ref("duration"), "how closely corroborating readings agree (> 0; default 1s)")}});
}

Json nodes_schema() {
  std::map<std::string, Json> entry = clock_props();
  entry["name"] = ref("node_name");
  entry["can_be_master"] = Json{{"type", "boolean"}, {"default", true}, {"description", "may this node become master (timed -M)"}};
  entry["servers"] = Json{{"type", "array"},
                          {"items", ref("node_name")},
                          {"uniqueItems", true},
                          {"description", "the nodes this node takes time from (NTP)"}};
  entry["reference_clock"] = with_doc(ref("duration_distribution"),
                                      "this node has a reference clock: each reading is true time plus a draw of this error (NTP stratum 1)");
  entry["limits"] = with_doc(or_empty(limits_schema()),
                             "host: daemon only: this node's clocksyncd clock guard limits, its keys on top of the top-level limits:");
  Json list_entry = Json{{"anyOf", Json::array({ref("node_name"), closed_object(keys::node_entry(), entry)})}};
  std::vector<std::string> override_keys(keys::node_entry().begin() + 1, keys::node_entry().end());
  Json mapping = closed_object(
      keys::nodes_mapping(),
      {{"count", Json{{"type", "integer"}, {"minimum", 1}}},
       {"overrides", Json{{"type", "object"},
                          {"propertyNames", ref("node_name")},
                          {"additionalProperties", closed_object(override_keys, entry)},
                          {"description", "per-node overrides keyed by node name, e.g. {n3: {drift_ppm: 200}}"}}}},
      {"count"});
  return Json{{"description", "a node count, {count, overrides}, or a list of nodes (names and per-node overrides)"},
              {"anyOf", Json::array({Json{{"type", "integer"}, {"minimum", 1}}, mapping,
                                     Json{{"type", "array"}, {"items", list_entry}, {"minItems", 1}}})}};
}

Json topology_schema() {
  const std::string n = R"([0-9]+)";
  const std::string pattern = "^ *(?:(?:full_mesh|ring|line)(?: *\\( *\\))?|star(?: *\\( *(?:hub *= *)?[A-Za-z_][A-Za-z0-9_.-]* *\\))?"
                              "|grid *\\( *(?:rows *= *)?" + n + " *, *(?:cols *= *)?" + n + " *\\)"
                              "|erdos_renyi *\\( *(?:p *= *)?" + kNumber + " *\\)"
                              "|barabasi_albert *\\( *(?:m *= *)?" + n + " *\\)) *$";
  Json file = closed_object(keys::topology_file(),
                            {{"file", Json{{"type", "string"},
                                           {"pattern", "\\.(graphml|dot|gv)$"},
                                           {"description", "GraphML or DOT file, relative to the scenario file"}}}},
                            {"file"});
  return Json{{"description", "full_mesh (default), star(hub), ring, line, grid(rows, cols), erdos_renyi(p), "
                              "barabasi_albert(m), or {file: net.graphml}"},
              {"anyOf", Json::array({Json{{"type", "string"}, {"pattern", pattern}}, file})}};
}

// A number or a law (its support within [-1, 1] is checked by the loader), optionally with the
// slow direction named.
Json asymmetry_schema() {
  // A law is a string (its support is checked by the loader); a bare number must be in range.
  const Json law = Json{{"allOf", Json::array({Json{{"type", "string"}}, ref("ppm_distribution")})}};
  const Json value = Json{{"anyOf", Json::array({number_range(-1, 1), law})}};
  const Json with_direction = closed_object(
      keys::asymmetry(),
      {{"draw", with_doc(value, "a in [-1, 1], or a law drawn once per link, e.g. uniform(0, 0.5)")},
       {"slow", Json{{"enum", Json::array({"low_to_high", "high_to_low"})},
                     {"description", "the direction that takes latency*(1+a) (default low_to_high)"}}}},
      {"draw"});
  return Json{{"description", "one-way asymmetry a: the slow direction (lower id -> higher id unless slow: high_to_low) "
                              "gets latency*(1+a), the reverse latency*(1-a); a number, a law drawn once per link from "
                              "the seed's link_asymmetry stream, or {draw, slow} (default 0)"},
              {"anyOf", Json::array({value, with_direction})}};
}

std::map<std::string, Json> link_props() {
  return {{"latency", with_doc(ref("latency_distribution"), "one-way delay per message (default 1ms)")},
          {"asymmetry", asymmetry_schema()},
          {"loss", with_doc(number_range(0, 1), "probability that a message is lost (default 0)")}};
}

Json links_schema() {
  auto over = link_props();
  over["between"] = node_pair();
  auto props = link_props();
  props["overrides"] = Json{{"type", "array"}, {"items", closed_object(keys::link_override(), over, {"between"})}};
  return closed_object(keys::links(), props);
}

Json faults_schema() {
  Json partition_group = Json{{"anyOf", Json::array({Json{{"const", "rest"}},
                                                     Json{{"type", "array"}, {"items", ref("node_name")}, {"minItems", 1}}})}};
  const std::map<std::string, Json> actions{
      {"crash", Json{{"anyOf", Json::array({Json{{"const", "master"}}, ref("node_name")})},
                     {"description", "a node, or 'master': whoever is master at that time"}}},
      {"stop", Json{{"anyOf", Json::array({Json{{"const", "master"}}, ref("node_name")})},
                    {"description", "a graceful shutdown (the daemon's SIGTERM: a master hands over), then as crash"}}},
      {"restart", ref("node_name")},
      {"link_down", node_pair()},
      {"link_up", node_pair()},
      {"partition", Json{{"type", "array"}, {"items", partition_group}, {"minItems", 2},
                         {"description", "disjoint groups covering every node; 'rest' is everyone not listed"}}},
      {"heal", Json{{"enum", Json::array({"all", true})}, {"description", "heal every partition"}}},
      {"clock_step", closed_object(keys::clock_step(), {{"node", ref("node_name")}, {"by", ref("signed_duration")}}, {"node", "by"})},
      {"byzantine",
       closed_object(keys::byzantine(),
                     {{"node", ref("node_name")},
                      {"mode", Json{{"enum", keys::byzantine_modes()}}},
                      {"lie", ref("duration")},
                      {"told_behind", Json{{"type", "array"}, {"items", ref("node_name")}}}},
                     {"node", "lie"})},
  };
  const std::vector<std::string> with_until{"crash", "stop", "link_down", "partition", "byzantine"};
  Json alternatives = Json::array();
  for (const auto& action : keys::fault_actions()) {
    std::vector<std::string> k{"at"};
    bool until = false;
    for (const auto& u : with_until) until = until || u == action;
    if (until) k.emplace_back("until");
    k.push_back(action);
    alternatives.push_back(closed_object(k, {{"at", ref("duration")}, {"until", ref("duration")}, {action, actions.at(action)}},
                                         {"at", action}));
  }
  return Json{{"type", "array"}, {"items", Json{{"anyOf", alternatives}}}};
}

Json expect_schema() {
  const std::map<std::string, Json> kinds{
      {"max_skew", Json{{"anyOf", Json::array({ref("duration"),
                                               Json{{"type", "string"}, {"pattern", "^ *(?:" + kNumber + " *\\* *)?bound *$"}}})},
                        {"description", "a duration, 'bound' (the computed theoretical bound) or 'k * bound'"}}},
      {"masters_at_end", Json{{"type", "integer"}, {"minimum", 0}}},
      {"failover_time_max", ref("duration")},
      {"max_abs_offset", ref("duration")},
      {"offset", with_doc(ref("signed_duration"), "every up node's offset from true time (signed), within 'within' (two-sided)")},
      {"causality", Json{{"enum", Json::array({"consistent"})},
                         {"description", "sync: logical: every pair of events' Lamport and vector stamps agree with the "
                                         "true happened-before relation"}}},
  };
  Json alternatives = Json::array();
  for (const auto& kind : keys::expect_kinds()) {
    std::vector<std::string> k{kind};
    if (kind == "max_skew" || kind == "max_abs_offset" || kind == "offset") {
      k.insert(k.end(), {"after", "until", "outside_failover"});
      k.push_back(kind == "offset" ? "within" : "at_least");
    }
    alternatives.push_back(closed_object(
        k,
        {{kind, kinds.at(kind)},
         {"after", with_doc(ref("duration"), "start of the checked window (default 0)")},
         {"until", with_doc(ref("duration"), "end of the checked window (default: the end of the run)")},
         {"outside_failover", with_doc(ref("duration"), "skip ticks without exactly one master, and this long after each such interval")},
         {"at_least", with_doc(ref("duration"), "the largest value in the window must also reach this (two-sided check)")},
         {"within", with_doc(ref("duration"), "tolerance around the expected offset (default 0)")}},
        {kind}));
  }
  return Json{{"type", "array"}, {"items", Json{{"anyOf", alternatives}}}};
}

Json output_schema() {
  auto flag = [](const std::string& doc) { return Json{{"type", "boolean"}, {"default", true}, {"description", doc}}; };
  return closed_object(
      keys::output(),
      {{"trace", flag("write trace.csv")},
       {"skew", flag("write skew.csv")},
       {"events", flag("write events.csv and events.log")},
       {"summary", flag("write summary.json")},
       {"messages", Json{{"type", "boolean"}, {"default", false},
                         {"description", "write messages.csv: every message sent, when it arrived, its fate (opt-in)"}}},
       {"links", Json{{"type", "boolean"},
                      {"description", "write links.csv: each link's asymmetry and direction factors (default: when "
                                      "the asymmetry is drawn per link)"}}},
       {"trace_nodes", Json{{"anyOf", Json::array({Json{{"const", "all"}},
                                                   Json{{"type", "array"}, {"items", ref("node_name")}, {"minItems", 1}}})},
                            {"description", "nodes in trace.csv (default all)"}}},
       {"trace_every", with_doc(ref("duration"), "trace row interval, a multiple of tick (default 0: every tick)")},
       {"compress", Json{{"enum", Json::array({"none", "gzip"})}, {"default", "none"},
                         {"description", "gzip: write trace.csv.gz instead of trace.csv (large runs; pandas reads it as is)"}}}});
}

}  // namespace

std::string scenario_json_schema() {
  Json defs = Json::object();
  defs["duration"] = duration_schema(false);
  defs["signed_duration"] = duration_schema(true);
  defs["duration_distribution"] = distribution_schema(true, false);
  defs["latency_distribution"] = distribution_schema(true, true);
  defs["ppm_distribution"] = distribution_schema(false, false);
  defs["node_name"] = node_name();

  const std::map<std::string, Json> top{
      {"name", Json{{"type", "string"}, {"description", "scenario name (default: the file name without .yaml)"}}},
      {"description", Json{{"type", "string"}}},
      {"seed", Json{{"type", "integer"}, {"minimum", 0}, {"default", 1}, {"description", "root seed of every random stream"}}},
      {"host", Json{{"enum", Json::array({"algorithm", "daemon"})},
                    {"default", "algorithm"},
                    {"description", "algorithm: the world carries out each algorithm's effects; daemon: every node "
                                    "runs clocksyncd's node loop (encoded, authenticated datagrams, replay windows)"}}},
      {"limits", with_doc(or_empty(limits_schema()), "host: daemon only: clocksyncd's clock guard limits, as its config's limits: "
                                                     "section (docs/daemon.md); clocksyncd's defaults when absent")},
      {"duration", with_doc(ref("duration"), "simulated time, a whole number of ticks (required)")},
      {"tick", with_doc(ref("duration"), "output interval: one trace/skew row per tick (default 1s)")},
      {"warmup", with_doc(ref("duration"), "steady state starts this long after the start (default: after the first "
                                           "full sync round); the summary's steady-state figures use it")},
      {"nodes", nodes_schema()},
      {"clocks", or_empty(closed_object(keys::clocks(), clock_props()))},
      {"topology", or_empty(topology_schema())},
      {"links", or_empty(links_schema())},
      {"algorithm", or_empty(closed_object(keys::algorithm(), {{"sync", layer_schema(algorithms::Layer::kSync)},
                                                               {"election", layer_schema(algorithms::Layer::kElection)}}))},
      {"faults", or_empty(faults_schema())},
      {"expect", or_empty(expect_schema())},
      {"output", or_empty(output_schema())},
      {"ordering",
       or_empty(closed_object(keys::ordering(),
                     {{"servers", Json{{"type", "array"}, {"items", ref("node_name")}, {"minItems", 2},
                                       {"description", "the nodes that take and stamp requests"}}},
                      {"central", Json{{"allOf", Json::array({ref("node_name")})},
                                       {"description", "the node that orders the requests; default: the lowest-numbered node that is not a server"}}},
                      {"requests_per_s", Json{{"type", "number"}, {"exclusiveMinimum", 0}, {"default", 100},
                                              {"description", "Poisson rate of requests, over all servers"}}}},
                     {"servers"}))},
  };
  Json schema{{"$schema", "https://json-schema.org/draft/2020-12/schema"},
              {"$id", "https://clocksim.invalid/scenario.schema.json"},
              {"title", "clocksim scenario"},
              {"description", "A clocksim simulation scenario (see docs/scenario-reference.md). Generated by "
                              "clocksim::scenario::scenario_json_schema(); do not edit by hand."}};
  Json body = closed_object(keys::top_level(), top, {"duration", "nodes"});
  for (auto it = body.begin(); it != body.end(); ++it) schema[it.key()] = it.value();
  schema["$defs"] = defs;
  return schema.dump(2) + "\n";
}

}  // namespace clocksim::scenario
