// spaCy 3's English tokenizer exceptions ("special cases"), rebuilt from the lists in
// spacy/lang/en/tokenizer_exceptions.py and spacy/lang/tokenizer_exceptions.py (MIT; see
// data/stopwords/README.md for the licence). Only the split (ORTH pieces) matters here; NORM and
// the emoticons are left out.
#include <cctype>
#include <string>
#include <unordered_map>

#include "data/tokenizer.h"

namespace ntm::detail {
namespace {

std::string title(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

class Specials {
 public:
  Specials() {
    build();
    for (const char* x : {"Ill", "ill", "Its", "its", "Hell", "hell", "Shell", "shell", "Shed", "shed", "were",
                          "Were", "Well", "well", "Whore", "whore"})
      table_.erase(x);
    for (const auto& [orth, sc] : table_) index_.emplace(std::string_view(orth), &sc);
  }
  const SpecialCase* find(std::string_view s) const {
    auto it = index_.find(s);
    return it == index_.end() ? nullptr : it->second;
  }

 private:
  void add(const std::vector<std::string>& pieces) {
    std::string orth;
    SpecialCase sc;
    for (const auto& p : pieces) {
      orth += p;
      sc.pieces.push_back(static_cast<uint8_t>(p.size()));
    }
    table_[orth] = std::move(sc);
  }
  // Adds the entry for `word` and for its title-cased form.
  void add_tc(const std::string& word, const std::vector<std::string>& rest) {
    for (const std::string& w : {word, title(word)}) {
      std::vector<std::string> p{w};
      p.insert(p.end(), rest.begin(), rest.end());
      add(p);
    }
  }

  void build() {
    add_tc("i", {"'m"});
    add_tc("i", {"m"});
    add_tc("i", {"'m", "a"});
    add_tc("i", {"m", "a"});
    for (const char* p : {"i", "you", "he", "she", "it", "we", "they"}) {
      for (auto rest : std::vector<std::vector<std::string>>{
               {"'ll"}, {"ll"}, {"'ll", "'ve"}, {"ll", "ve"}, {"'d"}, {"d"}, {"'d", "'ve"}, {"d", "ve"}})
        add_tc(p, rest);
    }
    for (const char* p : {"i", "you", "we", "they"}) {
      add_tc(p, {"'ve"});
      add_tc(p, {"ve"});
    }
    for (const char* p : {"you", "we", "they"}) {
      add_tc(p, {"'re"});
      add_tc(p, {"re"});
    }
    for (const char* p : {"he", "she", "it"}) {
      add_tc(p, {"'s"});
      add_tc(p, {"s"});
    }
    // W-words; "that"/"this" (singular) get no 're/'ve forms, "these"/"those" (plural) no 's.
    for (const char* w : {"who", "what", "when", "where", "why", "how", "there", "that", "this", "these", "those"}) {
      std::string s = w;
      bool sing = s == "that" || s == "this", plur = s == "these" || s == "those";
      if (!plur) {
        add_tc(s, {"'s"});
        add_tc(s, {"s"});
      }
      add_tc(s, {"'ll"});
      add_tc(s, {"ll"});
      add_tc(s, {"'ll", "'ve"});
      add_tc(s, {"ll", "ve"});
      if (!sing) {
        add_tc(s, {"'re"});
        add_tc(s, {"re"});
        add_tc(s, {"'ve"});
        add_tc(s, {"ve"});
      }
      add_tc(s, {"'d"});
      add_tc(s, {"d"});
      add_tc(s, {"'d", "'ve"});
      add_tc(s, {"d", "ve"});
    }
    for (const char* v : {"ca", "could", "do", "does", "did", "had", "may", "might", "must", "need", "ought", "sha",
                          "should", "wo", "would"}) {
      add_tc(v, {"n't"});
      add_tc(v, {"nt"});
      add_tc(v, {"n't", "'ve"});
      add_tc(v, {"nt", "ve"});
    }
    for (const char* v : {"could", "might", "must", "should", "would"}) {
      add_tc(v, {"'ve"});
      add_tc(v, {"ve"});
    }
    for (const char* v : {"ai", "are", "is", "was", "were", "have", "has", "dare"}) {
      add_tc(v, {"n't"});
      add_tc(v, {"nt"});
    }
    for (const char* w : {"doin", "goin", "nothin", "nuthin", "ol", "somethin"}) {
      add_tc(w, {});
      add_tc(std::string(w) + "'", {});
    }
    for (const char* w : {"em", "ll", "nuff"}) {
      add({w});
      add({std::string("'") + w});
    }
    for (int h = 1; h <= 12; ++h)
      for (const char* p : {"a.m.", "am", "p.m.", "pm"}) add({std::to_string(h), p});
    add({"y'", "all"});
    add({"y", "all"});
    add({"how", "'d", "'y"});
    add({"How", "'d", "'y"});
    add_tc("not", {"'ve"});
    add_tc("not", {"ve"});
    add_tc("can", {"not"});
    add_tc("gon", {"na"});
    add_tc("got", {"ta"});
    add_tc("let", {"'s"});
    add_tc("c'm", {"on"});
    for (const char* w :
         {"'S", "'s", "\u2018S", "\u2018s", "and/or", "w/o", "'re", "'Cause", "'cause", "'cos", "'Cos", "'coz",
          "'Coz", "'cuz", "'Cuz", "'bout", "ma'am", "Ma'am", "o'clock", "O'clock", "lovin'", "Lovin'", "lovin",
          "Lovin", "havin'", "Havin'", "havin", "Havin", "doin'", "Doin'", "doin", "Doin", "goin'", "Goin'", "goin",
          "Goin", "Mt.", "Ak.", "Ala.", "Apr.", "Ariz.", "Ark.", "Aug.", "Calif.", "Colo.", "Conn.", "Dec.", "Del.",
          "Feb.", "Fla.", "Ga.", "Ia.", "Id.", "Ill.", "Ind.", "Jan.", "Jul.", "Jun.", "Kan.", "Kans.", "Ky.", "La.",
          "Mar.", "Mass.", "Mich.", "Minn.", "Miss.", "N.C.", "N.D.", "N.H.", "N.J.", "N.M.", "N.Y.", "Neb.",
          "Nebr.", "Nev.", "Nov.", "Oct.", "Okla.", "Ore.", "Pa.", "S.C.", "Sep.", "Sept.", "Tenn.", "Va.", "Wash.",
          "Wis.", "'d", "a.m.", "Adm.", "Bros.", "co.", "Co.", "Corp.", "D.C.", "Dr.", "e.g.", "E.g.", "E.G.",
          "Gen.", "Gov.", "i.e.", "I.e.", "I.E.", "Inc.", "Jr.", "Ltd.", "Md.", "Messrs.", "Mo.", "Mont.", "Mr.",
          "Mrs.", "Ms.", "p.m.", "Ph.D.", "Prof.", "Rep.", "Rev.", "Sen.", "St.", "vs.", "v.s.",
          // spacy/lang/tokenizer_exceptions.py (base exceptions, without the emoticons)
          "'", "\\\")", "<space>", "''", "C++", "\u00e4.", "\u00f6.", "\u00fc."})
      add({w});
    for (char c = 'a'; c <= 'z'; ++c) add({std::string(1, c) + "."});
  }

  std::unordered_map<std::string, SpecialCase> table_;
  std::unordered_map<std::string_view, const SpecialCase*> index_;
};

}  // namespace

const SpecialCase* find_special(std::string_view s) {
  static const Specials specials;
  if (s.size() > 16 || s.empty()) return nullptr;  // longest entry: 10 bytes ("Messrs.", "wouldn't've")
  return specials.find(s);
}

}  // namespace ntm::detail
