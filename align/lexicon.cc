#include "align/lexicon.h"

#include <algorithm>
#include <cstring>

#include "align/cldr.h"
#include "base/strings.h"
#include "base/tsv.h"
#include "base/utf8.h"
#include "normalize/normalizer.h"
#include "normalize/unicode.h"

namespace quotematch {
namespace {

constexpr std::string_view kPartsOfSpeech[] = {"noun", "verb", "adj", "adv", "prep",
                                               "pron", "num",  "name", "conj", "det"};
constexpr std::string_view kDomains[] = {"general", "politics", "security", "law",    "economy",
                                         "health",  "disaster", "culture",  "generated"};
constexpr char kMagic[8] = {'Q', 'M', 'L', 'E', 'X', 0, 0, 0};
constexpr size_t kMaxPhraseWords = 12;

bool HasArabicLetter(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    char32_t c = DecodeUtf8(s, &i);
    if (unicode::IsArabicScript(c) && unicode::IsLetter(c)) return true;
  }
  return false;
}

std::vector<std::string> KeyWords(const NormalizedText& n) {
  std::vector<std::string> out;
  for (const Token& t : n.tokens) {
    if (t.kind == TokenKind::kWord || t.kind == TokenKind::kNumber) out.push_back(t.key);
  }
  return out;
}

uint64_t EdgeKey(uint32_t node, uint32_t word) { return (uint64_t{node} << 32) | word; }

// Builds CSR ranges from per-key id lists.
template <typename Key>
void ToCsr(absl::flat_hash_map<Key, std::vector<uint32_t>>& lists,
           absl::flat_hash_map<Key, std::pair<uint32_t, uint32_t>>* ranges, std::vector<uint32_t>* ids) {
  for (auto& [key, list] : lists) {
    (*ranges)[key] = {static_cast<uint32_t>(ids->size()), static_cast<uint32_t>(list.size())};
    ids->insert(ids->end(), list.begin(), list.end());
  }
}

// --- the binary cache --------------------------------------------------------

template <typename T>
void PutPod(std::string* out, const T& v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(T));
}

template <typename T>
void PutArray(std::string* out, const std::vector<T>& v) {
  PutPod(out, static_cast<uint64_t>(v.size()));
  out->append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

struct Reader {
  std::string_view in;
  bool ok = true;
  template <typename T>
  T Pod() {
    T v{};
    if (in.size() < sizeof(T)) {
      ok = false;
      return v;
    }
    std::memcpy(&v, in.data(), sizeof(T));
    in.remove_prefix(sizeof(T));
    return v;
  }
  template <typename T>
  void Array(std::vector<T>* v) {
    const uint64_t n = Pod<uint64_t>();
    if (!ok || n > in.size() / sizeof(T)) {
      ok = false;
      return;
    }
    v->resize(n);
    if (n) std::memcpy(v->data(), in.data(), n * sizeof(T));
    in.remove_prefix(n * sizeof(T));
  }
};

std::vector<std::string> SplitLines(std::string_view s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  for (std::string_view part : Split(s, '\n')) out.emplace_back(part);
  return out;
}

}  // namespace

std::string_view PartOfSpeechName(PartOfSpeech pos) { return kPartsOfSpeech[static_cast<int>(pos)]; }

// Compilation state: interning into the pool while entries are read.
class LexiconBuilder {
 public:
  explicit LexiconBuilder(Lexicon* lex) : lex_(lex) {}

  uint32_t Intern(std::string_view w) {
    auto [it, added] = ids_.try_emplace(std::string(w), static_cast<uint32_t>(lex_->words_.size()));
    if (added) lex_->words_.push_back(Append(w));
    return it->second;
  }
  std::pair<uint32_t, uint32_t> Append(std::string_view s) {
    auto at = static_cast<uint32_t>(lex_->pool_.size());
    lex_->pool_.append(s);
    return {at, static_cast<uint32_t>(s.size())};
  }
  uint8_t Domain(std::string_view d) {
    for (size_t i = 0; i < lex_->domains_.size(); ++i) {
      if (lex_->domains_[i] == d) return static_cast<uint8_t>(i);
    }
    lex_->domains_.emplace_back(d);
    return static_cast<uint8_t>(lex_->domains_.size() - 1);
  }

  // Adds one entry; a duplicate is an error (file entries) or skipped
  // (generated ones). Returns the message of a rejected entry, else "".
  std::string Add(std::string_view english, std::string_view persian, PartOfSpeech pos,
                  std::string_view domain, float weight, uint16_t source, uint32_t line,
                  const PersianStemmer& stemmer, bool* skipped) {
    const Normalizer& normalizer = Normalizer::Default();
    auto en = normalizer.Normalize(english, Language::kEnglish);
    auto fa = normalizer.Normalize(persian, Language::kPersian);
    if (!en.ok()) return StrCat("English side: ", en.status().message());
    if (!fa.ok()) return StrCat("Persian side: ", fa.status().message());
    std::vector<std::string> en_words = KeyWords(*en), fa_words = KeyWords(*fa);
    if (en_words.empty()) return "English side has no words";
    if (fa_words.empty()) return "Persian side has no words";
    if (en_words.size() > kMaxPhraseWords) return StrCat("English side has more than ", kMaxPhraseWords, " words");
    // A content word mapped to Persian function words only (door ↔ در, "in")
    // would match nearly every Persian sentence.
    const bool content = pos == PartOfSpeech::kNoun || pos == PartOfSpeech::kVerb ||
                         pos == PartOfSpeech::kAdj || pos == PartOfSpeech::kName;
    if (content && std::all_of(fa_words.begin(), fa_words.end(), [&](const std::string& w) {
          return stemmer.IsStopword(w);
        })) {
      return StrCat("Persian side '", persian, "' is only function words: a ", PartOfSpeechName(pos),
                    " entry cannot map to it");
    }
    std::string key = StrCat(StrJoin(en_words, " "), "\t", StrJoin(fa_words, ""), "\t", PartOfSpeechName(pos));
    auto [it, added] = seen_.try_emplace(key, StrCat(lex_->sources_[source], ":", line));
    if (!added) {
      *skipped = true;
      return StrCat("duplicate of ", it->second, " ('", english, "' ↔ '", persian, "')");
    }
    LexiconEntry e;
    std::tie(e.english, e.english_size) = Append(english);
    std::tie(e.persian, e.persian_size) = Append(persian);
    e.words = static_cast<uint32_t>(lex_->english_words_.size());
    e.word_count = static_cast<uint16_t>(en_words.size());
    for (const std::string& w : en_words) lex_->english_words_.push_back(Intern(w));
    e.slots = static_cast<uint32_t>(lex_->slots_.size());
    std::string joined;
    for (size_t i = 0; i < fa_words.size(); ++i) {
      const std::string& w = fa_words[i];
      const bool last = i + 1 == fa_words.size();
      LexiconSlot slot;
      slot.begin = static_cast<uint32_t>(lex_->slot_forms_.size());
      slot.optional = last && fa_words.size() > 1 && PersianStemmer::IsLightVerb(w);
      std::vector<std::string> forms{w};
      if (last && pos == PartOfSpeech::kVerb && !slot.optional) {
        for (std::string& s : stemmer.VerbStems(w)) forms.push_back(std::move(s));
      }
      for (const std::string& f : forms) lex_->slot_forms_.push_back(Intern(f));
      slot.size = static_cast<uint16_t>(forms.size());
      lex_->slots_.push_back(slot);
      if (!slot.optional) joined += w;
    }
    e.slot_count = static_cast<uint16_t>(fa_words.size());
    const size_t required = fa_words.size() - (lex_->slots_.back().optional ? 1 : 0);
    e.joined = required >= 2 ? Intern(joined) : Lexicon::kNoWord;
    e.weight = weight;
    e.pos = pos;
    e.domain = Domain(domain);
    e.source = source;
    e.line = line;
    lex_->entries_.push_back(e);
    return "";
  }

 private:
  Lexicon* lex_;
  absl::flat_hash_map<std::string, uint32_t> ids_;
  absl::flat_hash_map<std::string, std::string> seen_;   // entry key → file:line
};

absl::StatusOr<std::unique_ptr<Lexicon>> Lexicon::Compile(const std::vector<LexiconSource>& sources,
                                                          const PersianStemmer& stemmer,
                                                          LexiconOptions options) {
  std::unique_ptr<Lexicon> lex(new Lexicon());
  LexiconBuilder b(lex.get());
  for (const LexiconSource& src : sources) {
    const auto source = static_cast<uint16_t>(lex->sources_.size());
    lex->sources_.push_back(src.name);
    absl::Status status = ForEachTsvRecord(src.text, src.name, 3, 5, [&](const TsvRecord& r) -> absl::Status {
      const auto* pos = std::find(std::begin(kPartsOfSpeech), std::end(kPartsOfSpeech), r.fields[2]);
      std::string_view domain = r.fields.size() >= 4 ? r.fields[3] : "general";
      double weight = 1.0;
      std::string error;
      if (pos == std::end(kPartsOfSpeech)) {
        error = StrCat("unknown part of speech '", r.fields[2], "'");
      } else if (std::find(std::begin(kDomains), std::end(kDomains), domain) == std::end(kDomains)) {
        error = StrCat("unknown domain '", domain, "'");
      } else if (r.fields.size() == 5 && (!ParseDouble(r.fields[4], &weight) || weight <= 0 || weight > 1)) {
        error = StrCat("weight must be in (0, 1], got '", r.fields[4], "'");
      } else if (HasArabicLetter(r.fields[0])) {
        error = "English side has Arabic-script letters";
      } else if (!HasArabicLetter(r.fields[1])) {
        error = "Persian side has no Arabic-script letters";
      }
      bool duplicate = false;
      if (error.empty()) error = b.Add(r.fields[0], r.fields[1], static_cast<PartOfSpeech>(pos - std::begin(kPartsOfSpeech)),
                                domain, static_cast<float>(weight), source, static_cast<uint32_t>(r.line), stemmer,
                                &duplicate);
      if (error.empty()) return absl::OkStatus();
      absl::Status bad = r.Error(error);
      if (options.errors == nullptr) return bad;
      options.errors->emplace_back(bad.message());
      return absl::OkStatus();
    });
    if (!status.ok() && options.errors != nullptr) {
      options.errors->emplace_back(status.message());
    } else if (!status.ok()) {
      return status;
    }
  }
  if (options.errors != nullptr && !options.errors->empty()) {
    return absl::InvalidArgumentError(StrCat(options.errors->size(), " invalid entries; first: ", options.errors->front()));
  }
  if (options.generated) {
    for (const GeneratedEntries& group : CldrEntries()) {
      const auto source = static_cast<uint16_t>(lex->sources_.size());
      lex->sources_.push_back(StrCat("icu:", group.kind));
      uint32_t n = 0;
      for (const GeneratedEntry& g : group.entries) {
        bool duplicate = false;
        b.Add(g.english, g.persian, g.pos, "generated", 1.0f, source, ++n, stemmer, &duplicate);
      }
    }
  }
  lex->BuildIndexes();
  return lex;
}

void Lexicon::BuildIndexes() {
  word_ids_.clear();
  word_ids_.reserve(words_.size());
  for (uint32_t i = 0; i < words_.size(); ++i) word_ids_.emplace(AsAbsl(word(i)), i);
  edges_.clear();
  std::vector<std::vector<uint32_t>> at_node(1);
  absl::flat_hash_map<uint32_t, std::vector<uint32_t>> first, persian;
  for (uint32_t id = 0; id < entries_.size(); ++id) {
    const LexiconEntry& e = entries_[id];
    uint32_t node = 0;
    for (uint32_t w : english_words(e)) {
      auto [it, added] = edges_.try_emplace(EdgeKey(node, w), static_cast<uint32_t>(at_node.size()));
      if (added) at_node.emplace_back();
      node = it->second;
    }
    at_node[node].push_back(id);
    first[english_words(e)[0]].push_back(id);
    if (e.slot_count > 0) {
      for (uint32_t f : forms(slots(e)[0])) persian[f].push_back(id);
    }
    if (e.joined != kNoWord) persian[e.joined].push_back(id);
  }
  node_entries_.assign(at_node.size(), {0, 0});
  entry_ids_.clear();
  for (size_t n = 0; n < at_node.size(); ++n) {
    node_entries_[n] = {static_cast<uint32_t>(entry_ids_.size()), static_cast<uint32_t>(at_node[n].size())};
    entry_ids_.insert(entry_ids_.end(), at_node[n].begin(), at_node[n].end());
  }
  for (auto& [w, ids] : first) {
    std::stable_sort(ids.begin(), ids.end(), [&](uint32_t a, uint32_t b) {
      return entries_[a].word_count > entries_[b].word_count;
    });
  }
  by_first_word_.clear();
  first_word_ids_.clear();
  ToCsr(first, &by_first_word_, &first_word_ids_);
  for (auto& [f, ids] : persian) ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  by_persian_form_.clear();
  persian_ids_.clear();
  ToCsr(persian, &by_persian_form_, &persian_ids_);
}

uint32_t Lexicon::FindWord(std::string_view w) const {
  auto it = word_ids_.find(AsAbsl(w));
  return it == word_ids_.end() ? kNoWord : it->second;
}

std::span<const uint32_t> Lexicon::EnglishEntries(std::span<const std::string> words) const {
  uint32_t node = 0;
  for (const std::string& w : words) {
    const uint32_t id = FindWord(w);
    if (id == kNoWord) return {};
    auto it = edges_.find(EdgeKey(node, id));
    if (it == edges_.end()) return {};
    node = it->second;
  }
  const auto [at, n] = node_entries_[node];
  return {entry_ids_.data() + at, n};
}

std::span<const uint32_t> Lexicon::EntriesStartingWith(std::string_view word) const {
  auto it = by_first_word_.find(FindWord(word));
  if (it == by_first_word_.end()) return {};
  return {first_word_ids_.data() + it->second.first, it->second.second};
}

std::span<const uint32_t> Lexicon::PersianEntries(std::string_view form) const {
  auto it = by_persian_form_.find(FindWord(form));
  if (it == by_persian_form_.end()) return {};
  return {persian_ids_.data() + it->second.first, it->second.second};
}

std::vector<LexiconMatch> Lexicon::MatchEnglish(const std::vector<std::vector<std::string>>& forms) const {
  std::vector<LexiconMatch> out;
  std::vector<uint32_t> states, next;
  for (size_t i = 0; i < forms.size();) {
    uint32_t best_node = 0, best_length = 0;
    states.assign(1, 0);
    for (size_t j = i; j < forms.size() && j - i < kMaxPhraseWords && !states.empty(); ++j) {
      next.clear();
      for (uint32_t node : states) {
        for (const std::string& f : forms[j]) {
          const uint32_t w = FindWord(f);
          if (w == kNoWord) continue;
          auto it = edges_.find(EdgeKey(node, w));
          if (it == edges_.end() || std::find(next.begin(), next.end(), it->second) != next.end()) continue;
          next.push_back(it->second);
          if (node_entries_[it->second].second > 0 && best_length < j - i + 1) {
            best_length = static_cast<uint32_t>(j - i + 1);
            best_node = it->second;
          }
        }
      }
      std::swap(states, next);
    }
    if (best_length == 0) {
      ++i;
      continue;
    }
    const auto [at, n] = node_entries_[best_node];
    out.push_back({static_cast<uint32_t>(i), best_length, {entry_ids_.data() + at, n}});
    i += best_length;
  }
  return out;
}

Vocabulary Lexicon::EnglishVocabulary() const {
  Vocabulary out;
  for (const LexiconEntry& e : entries_) {
    if (e.word_count == 1) out[std::string(word(english_words(e)[0]))] |= uint16_t{1} << static_cast<int>(e.pos);
  }
  return out;
}

Vocabulary Lexicon::PersianVocabulary() const {
  Vocabulary out;
  for (const LexiconEntry& e : entries_) {
    const uint16_t bit = uint16_t{1} << static_cast<int>(e.pos);
    const auto s = slots(e);
    const size_t required = e.slot_count - (e.slot_count > 1 && s.back().optional ? 1 : 0);
    if (required == 1) {
      for (uint32_t f : forms(s[0])) out[std::string(word(f))] |= bit;
    }
    // A verb's infinitive and stems, also at the end of a compound verb.
    if (e.pos == PartOfSpeech::kVerb && !s.back().optional) {
      for (uint32_t f : forms(s.back())) out[std::string(word(f))] |= kVerbBits;
    }
  }
  return out;
}

absl::flat_hash_map<std::string, int> Lexicon::PersianVerbUse() const {
  absl::flat_hash_map<std::string, int> out;
  for (const LexiconEntry& e : entries_) {
    if (e.pos != PartOfSpeech::kVerb || e.slot_count == 0) continue;
    ++out[std::string(word(forms(slots(e).back())[0]))];
  }
  return out;
}

LexiconStats Lexicon::Stats() const {
  LexiconStats s;
  s.entries = entries_.size();
  absl::flat_hash_map<std::string, size_t> per_english;
  absl::flat_hash_set<std::string> persian;
  std::vector<size_t> by_source(sources_.size()), by_domain(domains_.size()), by_pos(std::size(kPartsOfSpeech));
  for (const LexiconEntry& e : entries_) {
    std::string en;
    for (uint32_t w : english_words(e)) en += StrCat(en.empty() ? "" : " ", word(w));
    ++per_english[en];
    std::string fa;
    for (const LexiconSlot& sl : slots(e)) fa += StrCat(fa.empty() ? "" : " ", word(forms(sl)[0]));
    persian.insert(fa);
    if (e.word_count > 1 && e.pos != PartOfSpeech::kName) ++s.multiword;
    if (e.pos == PartOfSpeech::kVerb && e.slot_count > 1) ++s.compound_verbs;
    if (e.pos == PartOfSpeech::kName) ++s.names;
    if (e.line == 0 || sources_[e.source].starts_with("icu:")) ++s.generated;
    ++by_source[e.source];
    ++by_domain[e.domain];
    ++by_pos[static_cast<size_t>(e.pos)];
  }
  s.english_lemmas = per_english.size();
  s.persian_lemmas = persian.size();
  for (const auto& [w, n] : per_english) s.synonyms += n > 1;
  for (size_t i = 0; i < sources_.size(); ++i) s.by_source.emplace_back(sources_[i], by_source[i]);
  for (size_t i = 0; i < domains_.size(); ++i) s.by_domain.emplace_back(domains_[i], by_domain[i]);
  for (size_t i = 0; i < by_pos.size(); ++i) s.by_pos.emplace_back(std::string(kPartsOfSpeech[i]), by_pos[i]);
  return s;
}

size_t Lexicon::MemoryBytes() const {
  auto vec = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
  auto map = [](const auto& m) { return m.capacity() * (sizeof(*m.begin()) + 1); };
  size_t n = pool_.capacity() + vec(words_) + vec(entries_) + vec(english_words_) + vec(slots_) +
             vec(slot_forms_) + vec(node_entries_) + vec(entry_ids_) + vec(first_word_ids_) +
             vec(persian_ids_) + map(word_ids_) + map(edges_) + map(by_first_word_) + map(by_persian_form_);
  for (const std::string& s : sources_) n += s.capacity();
  return n;
}

std::string Lexicon::Serialize() const {
  std::string out(kMagic, sizeof(kMagic));
  PutPod(&out, kCacheVersion);
  PutPod(&out, static_cast<uint32_t>(sizeof(LexiconEntry)));
  std::vector<char> pool(pool_.begin(), pool_.end());
  PutArray(&out, pool);
  PutArray(&out, words_);
  PutArray(&out, entries_);
  PutArray(&out, english_words_);
  PutArray(&out, slots_);
  PutArray(&out, slot_forms_);
  std::string names = StrJoin(sources_, "\n"), domains = StrJoin(domains_, "\n");
  PutArray(&out, std::vector<char>(names.begin(), names.end()));
  PutArray(&out, std::vector<char>(domains.begin(), domains.end()));
  return out;
}

absl::StatusOr<std::unique_ptr<Lexicon>> Lexicon::Deserialize(std::string_view bytes) {
  if (bytes.size() < sizeof(kMagic) || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    return absl::InvalidArgumentError("not a quotematch lexicon cache (bad magic)");
  }
  Reader r{bytes.substr(sizeof(kMagic))};
  const auto version = r.Pod<uint32_t>();
  const auto entry_size = r.Pod<uint32_t>();
  if (!r.ok || version != kCacheVersion || entry_size != sizeof(LexiconEntry)) {
    return absl::FailedPreconditionError(
        StrCat("lexicon cache version ", version, " (entry size ", entry_size, "); this build reads version ",
               kCacheVersion, ": recompile the cache"));
  }
  std::unique_ptr<Lexicon> lex(new Lexicon());
  std::vector<char> pool, names, domains;
  r.Array(&pool);
  r.Array(&lex->words_);
  r.Array(&lex->entries_);
  r.Array(&lex->english_words_);
  r.Array(&lex->slots_);
  r.Array(&lex->slot_forms_);
  r.Array(&names);
  r.Array(&domains);
  if (!r.ok || !r.in.empty()) return absl::InvalidArgumentError("lexicon cache is truncated or has trailing bytes");
  lex->pool_.assign(pool.begin(), pool.end());
  lex->sources_ = SplitLines(std::string_view(names.data(), names.size()));
  lex->domains_ = SplitLines(std::string_view(domains.data(), domains.size()));
  // Every offset must stay inside its array: a corrupt cache is an error, not a crash.
  const uint64_t pool_size = lex->pool_.size(), nwords = lex->words_.size();
  for (const auto& [at, n] : lex->words_) {
    if (uint64_t{at} + n > pool_size) return absl::InvalidArgumentError("lexicon cache: word outside the pool");
  }
  for (uint32_t w : lex->english_words_) {
    if (w >= nwords) return absl::InvalidArgumentError("lexicon cache: bad word id");
  }
  for (uint32_t w : lex->slot_forms_) {
    if (w >= nwords) return absl::InvalidArgumentError("lexicon cache: bad word id");
  }
  for (const LexiconSlot& s : lex->slots_) {
    if (uint64_t{s.begin} + s.size > lex->slot_forms_.size()) return absl::InvalidArgumentError("lexicon cache: bad slot");
  }
  for (const LexiconEntry& e : lex->entries_) {
    if (uint64_t{e.english} + e.english_size > pool_size || uint64_t{e.persian} + e.persian_size > pool_size ||
        e.word_count == 0 || uint64_t{e.words} + e.word_count > lex->english_words_.size() ||
        uint64_t{e.slots} + e.slot_count > lex->slots_.size() || (e.joined != kNoWord && e.joined >= nwords) ||
        static_cast<size_t>(e.pos) >= std::size(kPartsOfSpeech) || e.domain >= lex->domains_.size() ||
        e.source >= lex->sources_.size()) {
      return absl::InvalidArgumentError("lexicon cache: entry out of range");
    }
  }
  lex->BuildIndexes();
  return lex;
}

}  // namespace quotematch
