#include "node/wire/keyring.hpp"

#include <algorithm>
#include <charconv>
#include <sstream>
#include <string_view>
#include <vector>

namespace clocksim::node::wire {

Keyring Keyring::shared(ClusterKey key) {
  Keyring k;
  k.shared_.emplace(std::move(key));
  return k;
}

void Keyring::add(NodeId peer, std::uint32_t key_id, ClusterKey key, bool accept_only) {
  keys_.insert_or_assign({peer, key_id}, PairKey{std::move(key), accept_only});
}

const ClusterKey* Keyring::find(NodeId peer, std::uint32_t key_id) const {
  if (shared_) return key_id == 0 ? &*shared_ : nullptr;
  const auto it = keys_.find({peer, key_id});
  return it == keys_.end() ? nullptr : &it->second.key;
}

std::optional<std::pair<std::uint32_t, const ClusterKey*>> Keyring::signing_key(NodeId peer) const {
  if (shared_) return std::make_pair(std::uint32_t{0}, &*shared_);
  // The map is ordered by (peer, id): walk this peer's entries down from its highest id.
  for (auto it = keys_.upper_bound({peer, UINT32_MAX}); it != keys_.begin();) {
    --it;
    if (it->first.first != peer) break;
    if (!it->second.accept_only) return std::make_pair(it->first.second, &it->second.key);
  }
  return std::nullopt;
}

std::vector<NodeId> Keyring::peers() const {
  std::vector<NodeId> out;
  for (const auto& [at, key] : keys_) {
    if (out.empty() || out.back() != at.first) out.push_back(at.first);
  }
  return out;
}

std::vector<std::uint32_t> Keyring::accepted_key_ids(NodeId peer) const {
  if (shared_) return {0};
  std::vector<std::uint32_t> ids;
  for (auto it = keys_.lower_bound({peer, 0}); it != keys_.end() && it->first.first == peer; ++it) {
    ids.push_back(it->first.second);
  }
  return ids;
}

bool Keyring::is_accept_only(NodeId peer, std::uint32_t key_id) const {
  const auto it = keys_.find({peer, key_id});
  return it != keys_.end() && it->second.accept_only;
}

bool Keyring::has_peer(NodeId peer) const { return signing_key(peer).has_value(); }

std::uint32_t Keyring::highest_key_id() const {
  std::uint32_t highest = 0;
  for (const auto& [peer_and_id, key] : keys_) highest = std::max(highest, peer_and_id.second);
  return highest;
}

namespace {
std::vector<std::string> split_words(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  std::string w;
  while (in >> w) words.push_back(w);
  return words;
}

std::optional<std::uint32_t> parse_u32(const std::string& s) {
  std::uint32_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

constexpr const char* kAcceptOnly = "accept-only";

// The key id a line of a keyring file is about: a pair key's ("PEER ID HEX [accept-only]"), or a
// rotation's comment's ("# key id N ..."); none for any other line.
std::optional<std::uint32_t> line_key_id(const std::vector<std::string>& words) {
  if (words.empty()) return std::nullopt;
  if (words[0][0] == '#') {
    const bool rotation_note = words.size() >= 4 && words[0] == "#" && words[1] == "key" && words[2] == "id";
    return rotation_note ? parse_u32(words[3]) : std::nullopt;
  }
  const bool key_line = words.size() == 3 || (words.size() == 4 && words[3] == kAcceptOnly);
  return key_line ? parse_u32(words[1]) : std::nullopt;
}
}  // namespace

std::variant<Keyring, std::string> parse_keyring_text(const std::string& text, const std::string& origin) {
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  std::vector<std::string> bare_lines;
  Keyring ring;
  bool any_pair = false;  // per-peer lines seen
  while (std::getline(in, line)) {
    ++line_no;
    const std::size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string::npos || line[start] == '#') continue;
    const auto words = split_words(line);
    const std::string where = origin + ":" + std::to_string(line_no);
    if (words.size() == 1) {
      bare_lines.push_back(line);
      continue;
    }
    if (words.size() != 3 && words.size() != 4) {
      return where + ": expected 'PEER_ID KEY_ID HEX [accept-only]' (or a single hex cluster key), found " +
             std::to_string(words.size()) + " fields";
    }
    if (words.size() == 4 && words[3] != kAcceptOnly) {
      return where + ": the fourth field may only be 'accept-only', found '" + words[3] + "'";
    }
    const auto peer = parse_u32(words[0]);
    const auto id = parse_u32(words[1]);
    if (!peer) return where + ": peer id '" + words[0] + "' is not a number";
    if (!id) return where + ": key id '" + words[1] + "' is not a number";
    // The key is the third word: its errors are located in the file, not in the word.
    std::size_t key_column = 0;
    for (int w = 0; w < 3; ++w) {
      key_column = line.find_first_not_of(" \t\r", key_column);
      if (w < 2) key_column = line.find_first_of(" \t\r", key_column);
    }
    auto key = parse_key_text(words[2], origin, line_no, key_column);
    if (auto* e = std::get_if<std::string>(&key)) return *e;
    if (ring.find(*peer, *id)) return where + ": key " + words[1] + " of peer " + words[0] + " given twice";
    ring.add(*peer, *id, std::move(std::get<ClusterKey>(key)), words.size() == 4);
    any_pair = true;
  }
  if (!bare_lines.empty()) {
    if (any_pair) return origin + ": mixes a cluster-wide key with per-peer keys; use one form";
    // Every line holds one word or none here: the whole text, so that errors keep their lines.
    auto key = parse_key_text(text, origin);
    if (auto* e = std::get_if<std::string>(&key)) return *e;
    return Keyring::shared(std::move(std::get<ClusterKey>(key)));
  }
  // No key at all is a valid keyring for a node without peers; the loop refuses any peer that
  // has no key, naming it.
  return ring;
}

std::string keep_key_id(const std::string& text, std::uint32_t key_id) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) {
    const auto id = line_key_id(split_words(line));
    if (id && *id != key_id) continue;
    out += line;
    out += '\n';
  }
  return out;
}

std::string activate_key_id(const std::string& text, std::uint32_t key_id) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) {
    const auto words = split_words(line);
    if (words.size() == 4 && words[3] == kAcceptOnly && line_key_id(words) == key_id) {
      // Cut the marker and the blanks before it; the rest of the line stays as written.
      const std::size_t marker = line.rfind(kAcceptOnly);
      const std::size_t end = line.find_last_not_of(" \t\r", marker - 1) + 1;
      line = line.substr(0, end) + line.substr(marker + std::string_view(kAcceptOnly).size());
    }
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace clocksim::node::wire
