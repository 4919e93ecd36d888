// Per-pair keys, as chrony's and ntpd's key files: every (sender, receiver) pair has its own
// secret, so a member that holds its own keys can neither speak for another member nor read a
// packet meant for someone else as one meant for it. Each node's keyring holds only the keys it
// shares with its peers (`clocksyncctl keygen` writes one file per node).
//
// File format, one key per line (blank lines and '#' comments ignored):
//   PEER_ID KEY_ID HEX        e.g.  2 1 6f1c...   (the key shared with node 2, key id 1)
//   HEX                       one cluster-wide key for every peer (key id 0): simpler, but then
//                             any key holder can speak for any member; not recommended.
// Several ids for one peer allow rotation: a node signs with the highest id and accepts any.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "algorithms/core/ids.hpp"
#include "node/wire/auth.hpp"

namespace clocksim::node::wire {

class Keyring {
 public:
  // A keyring with one key for every peer (key id 0).
  static Keyring shared(ClusterKey key);
  void add(NodeId peer, std::uint32_t key_id, ClusterKey key);

  const ClusterKey* find(NodeId peer, std::uint32_t key_id) const;
  // The key to sign with for `peer`: the highest id it has.
  std::optional<std::pair<std::uint32_t, const ClusterKey*>> signing_key(NodeId peer) const;
  bool is_shared() const { return shared_.has_value(); }
  bool has_peer(NodeId peer) const;
  // The highest key id of any pair key (0 for a cluster key or an empty keyring).
  std::uint32_t highest_key_id() const;
  std::size_t size() const { return keys_.size() + (shared_ ? 1 : 0); }

 private:
  std::optional<ClusterKey> shared_;
  std::map<std::pair<NodeId, std::uint32_t>, ClusterKey> keys_;
};

std::variant<Keyring, std::string> parse_keyring_text(const std::string& text, const std::string& origin);

// `text` (a keyring file's text) without the pair keys whose key id is not `key_id`; comments
// and blank lines are kept, and lines that are not pair keys. For retiring the old ids after a
// rotation (clocksyncctl keygen --retire): a node signs with the highest key id it holds for a
// peer and accepts every id it lists, and reloads its key file on SIGHUP, so keys with a new id
// are added to every member's file and each member reloaded (it signs with the new id at once
// and still accepts the old one from members not yet reloaded); once all have reloaded, the
// files keep only the new id and are reloaded again, after which a stolen old key opens nothing.
std::string keep_key_id(const std::string& text, std::uint32_t key_id);

}  // namespace clocksim::node::wire
