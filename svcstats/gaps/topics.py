"""Group unanswered questions into topics, offline, when the export has no topic column.

Questions are normalised (lower case, punctuation and English stop words dropped, a light suffix
stemmer, and a short list of help-desk synonyms and misspellings mapped onto one word), then
described by TF-IDF over words and character 3-5-grams (which tolerates typos) and grouped by
agglomerative clustering on cosine distance with average linkage, cut at a fixed distance.
Each topic is named after its most frequent question. Deterministic: the same questions give
the same topics.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from svcstats.errors import UsageError

DISTANCE_THRESHOLD = 0.825  # tuned on one demo seed, measured on others (README: Knowledge gaps)
CHAR_WEIGHT = 0.5  # weight of the character n-grams beside the words
MAX_CLUSTERED = 3000  # distinct questions clustered pairwise; rarer ones join the nearest topic

EXTRA_FILLER = frozenset(
    [
        "pls",
        "please",
        "help",
        "way",
        "possible",
        "want",
        "need",
        "get",
        "does",
        "doesn",
        "dont",
        "don",
        "t",
        "s",
        "i",
        "my",
        "we",
        "our",
        "us",
        "can",
        "how",
        "do",
        "is",
        "it",
    ]
)
SYNONYMS = {
    word: canonical
    for canonical, words in {
        "refund": "refund reimburse reimbursed reimbursement repay money_back chargeback",
        "annual": "annual yearly year anual 12_month",
        "invoice": "invoice invoic bill billing receipt",
        "address": "address adress addres",
        "spreadsheet": "excel xlsx xls csv spreadsheet exel sheet",
        "export": "export download",
        "password": "password pasword passwd",
        "twofactor": "twofactor mfa 2step authenticator verification otp",
        "cancel": "cancel unsubscribe terminate stop",
        "delete": "delete remove erase erased gdpr forgotten",
        "user": "user seat colleague coworker member invite",
        "login": "login log sign signin locked",
        "app": "app mobile iphone android ios",
        "limit": "limit quota throttle 429",
        "tax": "vat tax mva",
        "upgrade": "upgrade downgrade",
    }.items()
    for word in words.split()
}
PHRASES = {"money back": "money_back", "12 months": "12_month", "two factor": "twofactor", "two-factor": "twofactor", "2fa": "twofactor"}


def normalise(question: str) -> str:
    """The words of `question` that carry its meaning, in a canonical spelling."""
    text = question.lower()
    for phrase, word in PHRASES.items():
        text = text.replace(phrase, f" {word} ")
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # type: ignore[import-untyped]

    words = [w for w in re.sub(r"[^\w\s]", " ", text).split() if w not in ENGLISH_STOP_WORDS and w not in EXTRA_FILLER]
    return " ".join(SYNONYMS.get(stem, stem) for stem in map(_stem, words))


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def group_questions(questions: Sequence[str], threshold: float = DISTANCE_THRESHOLD, times: Sequence[int] | None = None) -> list[str]:
    """The topic name of each question: questions close in meaning share one, named after the
    group's most frequent question (ties: the shortest, then alphabetical). `times` says how often
    each question was asked (default once each): pass distinct questions with their counts, so
    that each text is normalised once."""
    if not questions:
        return []
    weights = [1] * len(questions) if times is None else list(times)
    keys = [normalise(q) or q.strip().lower() for q in questions]
    frequency: Counter[str] = Counter()
    for key, weight in zip(keys, weights, strict=True):
        frequency[key] += weight
    cluster_of = _cluster(frequency, threshold)
    members: dict[int, Counter[str]] = {}
    for question, key, weight in zip(questions, keys, weights, strict=True):
        members.setdefault(cluster_of[key], Counter())[question.strip()] += weight
    names = {cluster: min(counts, key=lambda q: (-counts[q], len(q), q)) for cluster, counts in members.items()}
    return [names[cluster_of[key]] for key in keys]


def _cluster(frequency: Counter[str], threshold: float) -> dict[str, int]:
    """Cluster number of every distinct normalised question."""
    try:
        import numpy as np
        from scipy.sparse import hstack  # type: ignore[import-untyped]
        from sklearn.cluster import AgglomerativeClustering  # type: ignore[import-untyped]
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.preprocessing import normalize  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - scikit-learn is a dependency
        raise UsageError(
            "grouping questions into topics needs scikit-learn", "pip install scikit-learn, or export a topic column"
        ) from None
    ranked = sorted(frequency, key=lambda k: (-frequency[k], k))
    if len(ranked) == 1:
        return {ranked[0]: 0}
    words = TfidfVectorizer(analyzer="word", sublinear_tf=True, token_pattern=r"\w+")
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    head = ranked[:MAX_CLUSTERED]
    vectors = normalize(hstack([words.fit_transform(head), chars.fit_transform(head) * CHAR_WEIGHT]).tocsr())
    distances = np.clip(1.0 - (vectors @ vectors.T).toarray(), 0.0, None)  # cosine distance of unit vectors
    clustering = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold)
    labels = clustering.fit_predict(distances)
    cluster_of = {key: int(label) for key, label in zip(head, labels, strict=True)}
    tail = ranked[MAX_CLUSTERED:]
    if tail:  # too many distinct questions to compare pairwise: join the nearest topic, else one's own
        tail_vectors = normalize(hstack([words.transform(tail), chars.transform(tail) * CHAR_WEIGHT]).tocsr())
        similarity = (tail_vectors @ vectors.T).toarray()
        best = similarity.argmax(axis=1)
        next_label = int(labels.max()) + 1
        for i, key in enumerate(tail):
            if 1 - similarity[i, best[i]] <= threshold:
                cluster_of[key] = int(labels[best[i]])
            else:
                cluster_of[key], next_label = next_label, next_label + 1
    return cluster_of
