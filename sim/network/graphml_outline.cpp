#include "sim/network/graphml_outline.hpp"

#include <cctype>

namespace clocksim::sim::graphml {
namespace {

// The five predefined XML entities and decimal references below 128; anything else is kept as
// written (the text is only compared with values, to find a location).
std::string decoded(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const std::size_t end = s.find(';', i);
    if (end == std::string_view::npos) {
      out += s.substr(i);
      break;
    }
    const std::string_view name = s.substr(i + 1, end - i - 1);
    int code = -1;  // a decimal character reference below 128
    if (name.size() >= 2 && name.size() <= 4 && name[0] == '#') {
      code = 0;
      for (char c : name.substr(1)) code = std::isdigit(static_cast<unsigned char>(c)) && code >= 0 ? code * 10 + (c - '0') : -1;
      if (code >= 128) code = -1;
    }
    if (name == "amp") {
      out += '&';
    } else if (name == "lt") {
      out += '<';
    } else if (name == "gt") {
      out += '>';
    } else if (name == "quot") {
      out += '"';
    } else if (name == "apos") {
      out += '\'';
    } else if (code >= 0) {
      out += static_cast<char>(code);
    } else {
      out += s.substr(i, end - i + 1);
    }
    i = end;
  }
  return out;
}

std::string trimmed(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) : s_(text) {}

  Outline run() {
    Outline o;
    while (true) {
      const std::size_t lt = s_.find('<', i_);
      if (lt == std::string_view::npos) return o;
      move_to(lt);
      if (starts("<!--")) {
        skip_past("-->");
      } else if (starts("<![CDATA[")) {
        skip_past("]]>");
      } else if (starts("<?") || starts("<!")) {
        skip_past(">");
      } else if (starts("</")) {
        skip_past(">");
      } else {
        start_tag(o);
      }
    }
  }

 private:
  bool starts(std::string_view p) const { return s_.substr(i_, p.size()) == p; }
  // Advances to `pos`, counting lines on the way.
  void move_to(std::size_t pos) {
    for (; i_ < pos && i_ < s_.size(); ++i_) at_.step(s_[i_]);
  }
  void skip_past(std::string_view end) {
    const std::size_t at = s_.find(end, i_);
    move_to(at == std::string_view::npos ? s_.size() : at + end.size());
  }
  dot::Location here() const { return at_; }

  // At '<' of a start tag: its name and attributes; a <node> or <edge> is recorded with the
  // <data> elements inside it, a <key> with its id and attr.name.
  void start_tag(Outline& o) {
    const dot::Location at = here();
    move_to(i_ + 1);
    std::string name;
    while (i_ < s_.size() && !std::isspace(static_cast<unsigned char>(s_[i_])) && s_[i_] != '>' && s_[i_] != '/') {
      name += s_[i_];
      move_to(i_ + 1);
    }
    std::vector<std::pair<std::string, std::string>> attrs;
    bool empty = false;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '>') {
        move_to(i_ + 1);
        break;
      }
      if (c == '/') {
        empty = true;
        move_to(i_ + 1);
        continue;
      }
      if (std::isspace(static_cast<unsigned char>(c))) {
        move_to(i_ + 1);
        continue;
      }
      std::string attr;
      while (i_ < s_.size() && s_[i_] != '=' && s_[i_] != '>' && !std::isspace(static_cast<unsigned char>(s_[i_]))) {
        attr += s_[i_];
        move_to(i_ + 1);
      }
      while (i_ < s_.size() && (s_[i_] == '=' || std::isspace(static_cast<unsigned char>(s_[i_])))) move_to(i_ + 1);
      if (i_ < s_.size() && (s_[i_] == '"' || s_[i_] == '\'')) {
        const char q = s_[i_];
        const std::size_t end = s_.find(q, i_ + 1);
        const std::size_t stop = end == std::string_view::npos ? s_.size() : end;
        attrs.emplace_back(attr, decoded(s_.substr(i_ + 1, stop - i_ - 1)));
        move_to(stop + 1);
      }
    }
    auto attr = [&](std::string_view n) {
      for (const auto& [k, v] : attrs) {
        if (k == n) return v;
      }
      return std::string();
    };
    if (name == "key") {
      o.keys.emplace_back(attr("id"), attr("attr.name"));
      return;
    }
    if (name != "node" && name != "edge") return;
    Element e;
    e.edge = name == "edge";
    e.id = attr("id");
    e.source = attr("source");
    e.target = attr("target");
    e.at = at;
    if (!empty) {
      const std::string close = "</" + name;
      while (true) {
        const std::size_t data = s_.find("<data", i_);
        const std::size_t end = s_.find(close, i_);
        if (data == std::string_view::npos || (end != std::string_view::npos && end < data)) break;
        move_to(data);
        read_data(e);
      }
    }
    o.elements.push_back(std::move(e));
  }

  // At "<data": its key and text.
  void read_data(Element& e) {
    const std::size_t gt = s_.find('>', i_);
    if (gt == std::string_view::npos) {
      move_to(s_.size());
      return;
    }
    const std::string_view tag = s_.substr(i_, gt - i_);
    std::string key;
    if (const std::size_t k = tag.find(" key"); k != std::string_view::npos) {
      const std::size_t q = tag.find_first_of("\"'", k);
      if (q != std::string_view::npos) {
        const std::size_t q2 = tag.find(tag[q], q + 1);
        if (q2 != std::string_view::npos) key = decoded(tag.substr(q + 1, q2 - q - 1));
      }
    }
    move_to(gt + 1);
    if (tag.ends_with("/")) {
      e.data.push_back(Data{key, "", here()});
      return;
    }
    const std::size_t close = s_.find("</data", i_);
    const std::size_t stop = close == std::string_view::npos ? s_.size() : close;
    // The location of the first character that is not a blank.
    std::size_t first = i_;
    while (first < stop && std::isspace(static_cast<unsigned char>(s_[first]))) ++first;
    const std::string value = trimmed(decoded(s_.substr(i_, stop - i_)));
    move_to(first);
    e.data.push_back(Data{key, value, here()});
    move_to(stop);
  }

  std::string_view s_;
  std::size_t i_ = 0;
  dot::Location at_{1, 1};
};

}  // namespace

Outline outline(std::string_view text) { return Scanner(text).run(); }

std::optional<dot::Location> edge_location(const Outline& o, std::string_view a, std::string_view b,
                                           std::string_view name, const std::function<bool(std::string_view)>& matches) {
  auto key_named = [&](const std::string& key) {
    for (const auto& [id, attr_name] : o.keys) {
      if (id == key) return attr_name == name;
    }
    return key == name;  // a <data> whose key is not declared: compared by the key itself
  };
  std::optional<dot::Location> first;
  for (const Element& e : o.elements) {
    if (!e.edge || !((e.source == a && e.target == b) || (e.source == b && e.target == a))) continue;
    for (const Data& d : e.data) {
      if (key_named(d.key) && matches(d.value)) return d.at;
    }
    if (!first) first = e.at;
  }
  return first;
}

std::optional<dot::Location> node_location(const Outline& o, std::string_view name) {
  for (const Element& e : o.elements) {
    if (!e.edge && e.id == name) return e.at;
  }
  return std::nullopt;
}

}  // namespace clocksim::sim::graphml
