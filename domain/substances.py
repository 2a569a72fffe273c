"""The substances of mesotherapy mixes (DESIGN §1.2): data, not code paths.

Each substance has its usual names, synonyms and salt or ester forms, so an allergy to a
substance catches every form of it (lidocaine hydrochloride is lidocaine; ascorbic acid is
vitamin C). Text naming no known substance is matched word by word, never by exact text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

SUBSTANCES: dict[str, tuple[str, ...]] = {
    "lidocaine": ("lidocaine", "lignocaine", "xylocaine"),
    "procaine": ("procaine", "novocaine"),
    "mepivacaine": ("mepivacaine", "carbocaine"),
    "articaine": ("articaine",),
    "vitamin c": ("vitamin c", "ascorbic acid", "ascorbate", "ascorbyl"),
    "vitamin b1": ("vitamin b1", "thiamine", "thiamin"),
    "vitamin b2": ("vitamin b2", "riboflavin"),
    "vitamin b3": ("vitamin b3", "niacinamide", "nicotinamide", "niacin", "nicotinic acid"),
    "vitamin b5": ("vitamin b5", "pantothenic acid", "pantothenate", "dexpanthenol",
                   "panthenol"),
    "vitamin b6": ("vitamin b6", "pyridoxine", "pyridoxal"),
    "vitamin b7": ("vitamin b7", "biotin", "vitamin h"),
    "vitamin b9": ("vitamin b9", "folic acid", "folate"),
    "vitamin b12": ("vitamin b12", "cyanocobalamin", "hydroxocobalamin", "methylcobalamin",
                    "cobalamin"),
    "vitamin a": ("vitamin a", "retinol", "retinyl"),
    "vitamin e": ("vitamin e", "tocopherol", "tocopheryl"),
    "hyaluronic acid": ("hyaluronic acid", "hyaluronate", "hyaluronan"),
    "caffeine": ("caffeine",),
    "l-carnitine": ("carnitine", "levocarnitine"),
    "phosphatidylcholine": ("phosphatidylcholine", "lecithin"),
    "deoxycholic acid": ("deoxycholic acid", "deoxycholate"),
    "collagenase": ("collagenase",),
    "hyaluronidase": ("hyaluronidase",),
    "glutathione": ("glutathione",),
    "alpha-lipoic acid": ("lipoic acid", "thioctic acid"),
    "coenzyme q10": ("coenzyme q10", "ubiquinone", "ubidecarenone", "coq10"),
    "dmae": ("dmae", "dimethylaminoethanol", "deanol"),
    "silicon": ("organic silicon", "silanol", "silicium"),
    "zinc": ("zinc",),
    "copper": ("copper", "cupric"),
    "magnesium": ("magnesium",),
    "selenium": ("selenium", "selenite"),
    "dutasteride": ("dutasteride",),
    "finasteride": ("finasteride",),
    "minoxidil": ("minoxidil",),
    "artichoke extract": ("artichoke", "cynara"),
    "centella asiatica": ("centella", "gotu kola", "asiaticoside", "madecassoside"),
    "ginkgo biloba": ("ginkgo",),
    "melilotus": ("melilotus", "sweet clover", "coumarin"),
    "buflomedil": ("buflomedil",),
    "pentoxifylline": ("pentoxifylline", "oxpentifylline"),
    "aminophylline": ("aminophylline", "theophylline"),
    "piroxicam": ("piroxicam",),
    "ketoprofen": ("ketoprofen",),
    "diclofenac": ("diclofenac",),
    "dexamethasone": ("dexamethasone",),
    "calcitonin": ("calcitonin",),
    "thiocolchicoside": ("thiocolchicoside",),
    "tranexamic acid": ("tranexamic acid",),
    "arginine": ("arginine",),
    "glycine": ("glycine",),
    "proline": ("proline",),
    "lysine": ("lysine",),
    "peptides": ("oligopeptide", "polypeptide"),
    "polydeoxyribonucleotide": ("polydeoxyribonucleotide", "pdrn"),
}
"""Canonical name → the names it goes by (matched as whole words, any case or accent)."""

FORM_WORDS = frozenset("""
hydrochloride dihydrochloride hcl hydrobromide mesylate monohydrate dihydrate trihydrate
anhydrous acetate palmitate succinate tartrate bitartrate phosphate diphosphate sulfate
sulphate gluconate citrate lactate chloride sodium potassium calcium disodium salt ester
base free injectable injection solution ampoule amp vial form
""".split())
"""Counter-ions, hydrates and ester or dosage-form words: they name a form of a substance,
not another substance, so they never decide a match on their own."""


# Pure functions of text against a fixed vocabulary: their answers are kept (a clinic names
# the same few dozen substances over and over), so judging a mix costs a lookup per pair.
@lru_cache(maxsize=8192)
def words(text: str) -> tuple[str, ...]:
    """The words of a text, compatibility-normalised, case and accents set aside."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return tuple(re.findall(r"[a-z0-9]+", plain))


@lru_cache(maxsize=4096)
def identify(text: str) -> frozenset[str]:
    """The known substances a text names (any of their names, as whole words)."""
    said = " " + " ".join(words(text)) + " "
    return frozenset(canonical for canonical, names in SUBSTANCES.items()
                     if any(f" {' '.join(words(name))} " in said for name in names))


@lru_cache(maxsize=8192)
def same_substance(allergy: str, ingredient: str) -> bool:
    """Whether an ingredient is (a form of) the substance of an allergy: by the vocabulary
    when it knows either, else word by word (every telling word of the allergy is in the
    ingredient's name)."""
    if identify(allergy) & identify(ingredient):
        return True
    telling = [w for w in words(allergy) if w not in FORM_WORDS] or list(words(allergy))
    named = set(words(ingredient))
    return bool(telling) and all(word in named for word in telling)


def allergen_in(ingredients: tuple[str, ...], allergies: tuple[str, ...]
                ) -> tuple[str, str] | None:
    """The first (allergy, ingredient) pair that is the same substance, if any."""
    for ingredient in ingredients:
        for allergy in allergies:
            if same_substance(allergy, ingredient):
                return allergy, ingredient
    return None
