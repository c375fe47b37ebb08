"""What a GS1-Conformant resolver (GS1 standard 1.0) says about an item
besides its page: the RFC 9264 linkset of the links at every level up to
the GTIN, the headers of every Digital Link answer (CORS, a `Link` to the
linkset and to the JSON-LD context), link types as the request names
them, and the resolver description file (/.well-known/gs1resolver)."""

import re

from flask_babel import lazy_gettext as _l

GS1_VOC = "https://gs1.org/voc/"
# GS1's vocabulary is also written with these stems; they name the same types.
GS1_STEMS = ("https://gs1.org/voc/", "http://gs1.org/voc/", "https://www.gs1.org/voc/", "http://www.gs1.org/voc/",
             "https://ref.gs1.org/voc/", "http://ref.gs1.org/voc/")
LINKSET_TYPE = "application/linkset+json"
CONTEXT_PATH = "/gs1/linkset-context.jsonld"
HREFLANG = ["zh", "en"]  # every page is in both (?lang=en)
URI_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s/?#]+[^\s]*")  # an absolute URI with a host
CURIE_RE = re.compile(r"([A-Za-z][A-Za-z0-9_.-]*):([A-Za-z0-9_.~-][A-Za-z0-9_.~/#-]*)")
LINKSET_WORDS = ("linkset", "all")  # "all": the word before resolver standard 1.0
METHODS = "GET, HEAD, OPTIONS"
CORS = [
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Methods", METHODS),
    ("Access-Control-Allow-Headers", "Accept, Accept-Language"),
    ("Access-Control-Expose-Headers", "Link, Location"),
]
VARY = "Cookie, Accept, Accept-Language"

# The descriptive link type of each level's own page, and its title.
PIP, TRACEABILITY, VERIFICATION, DEFAULT = (GS1_VOC + name for name in (
    "pip", "traceability", "verificationService", "defaultLink"))
TITLES = {
    PIP: _l("Product information"),
    TRACEABILITY: _l("Batch origin and traceability"),
    VERIFICATION: _l("Check this bottle's serial number"),
}


class BadLinkType(ValueError):
    """A linkType that is neither a URI nor a compact URI (CURIE)."""


def link_type(raw: str) -> str:
    """The link type a request's ?linkType= names, as a full URI (GS1's
    vocabulary under its one stem), or one of LINKSET_WORDS. Raises
    BadLinkType when it is neither a URI nor a CURIE."""
    value = raw.strip()
    if value in LINKSET_WORDS:
        return value
    if URI_RE.fullmatch(value):
        for stem in GS1_STEMS:
            if value.startswith(stem):
                return GS1_VOC + value[len(stem):]
        return value
    curie = CURIE_RE.fullmatch(value)
    if curie is None:
        raise BadLinkType(value)
    prefix, name = curie.groups()
    return GS1_VOC + name if prefix.lower() == "gs1" else value  # another prefix: offered by no link here


def wants_linkset(accept: str) -> bool:
    return LINKSET_TYPE in (accept or "")


def link_header(base_url: str, path: str) -> str:
    return (f'<{base_url}{path}?linkType=linkset>; rel="linkset"; type="{LINKSET_TYPE}", '
            f'<{base_url}{CONTEXT_PATH}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"')


def headers(base_url: str, path: str) -> list[tuple[str, str]]:
    """Headers of every public Digital Link answer (`path`: the canonical path)."""
    return [*CORS, ("Link", link_header(base_url, path))]


def links(base_url: str, level, path: str) -> dict[str, dict]:
    """{link type: link} of every level from the one `path` names up to the
    GTIN: the product's page, the lot's, the bottle's (the anchor itself)."""
    gtin = level.product.gtin
    found = {PIP: f"{base_url}/01/{gtin}"}
    if level.lot is not None:
        found[TRACEABILITY] = f"{base_url}/01/{gtin}/10/{level.lot.code}"
    if level.serial is not None:
        found[VERIFICATION] = base_url + path
    return {kind: {"href": href, "title": str(TITLES[kind]), "hreflang": HREFLANG, "type": "text/html"}
            for kind, href in found.items()}


def own_type(level) -> str:
    """The descriptive type of the level's own page: its default link's."""
    return VERIFICATION if level.serial is not None else TRACEABILITY if level.lot is not None else PIP


def linkset(base_url: str, level, path: str) -> dict:
    """The RFC 9264 linkset (GS1's linkset schema): each link with href,
    title, hreflang and type; exactly one gs1:defaultLink, the level's own
    page (also under its descriptive type), with only href and title, as
    the standard wants of a default link."""
    typed = links(base_url, level, path)
    default = typed[own_type(level)]
    description = level.product.name if level.lot is None else f"{level.product.name} {level.lot.code}"
    return {"linkset": [{
        "anchor": base_url + path,
        "itemDescription": description,
        **{kind: [link] for kind, link in typed.items()},
        DEFAULT: [{"href": default["href"], "title": default["title"]}],
    }]}


def target(base_url: str, level, path: str, kind: str) -> str | None:
    """The href of the link of type `kind`, or None when none is offered."""
    typed = links(base_url, level, path)
    if kind == DEFAULT:
        kind = own_type(level)
    link = typed.get(kind)
    return link and link["href"]


def with_query(href: str, query: str) -> str:
    """`href` with the request's key=value pairs passed on (all but linkType)."""
    pairs = [pair for pair in query.split("&") if pair and not pair.startswith("linkType=")]
    if not pairs:
        return href
    return href + ("&" if "?" in href else "?") + "&".join(pairs)


def context() -> dict:
    """The JSON-LD context that reads a linkset as linked data (GS1's
    vocabulary for the link types, Dublin Core for the attributes)."""
    return {"@context": {
        "@vocab": GS1_VOC,
        "gs1": GS1_VOC,
        "dcterms": "http://purl.org/dc/terms/",
        "linkset": "@graph",
        "anchor": "@id",
        "href": "@id",
        "title": "dcterms:title",
        "itemDescription": "dcterms:description",
        "hreflang": {"@id": "dcterms:language", "@container": "@set"},
        "type": "dcterms:format",
    }}


def description(base_url: str, name: str) -> dict:
    """The resolver description file (GS1-Conformant resolver 1.0, §3)."""
    return {
        "name": name,
        "resolverRoot": base_url,
        "supportedPrimaryKeys": ["01"],
        "supportedLinkType": [{"namespace": GS1_VOC, "prefix": "gs1:", "profile": GS1_VOC + "?show=linktypes"}],
        "jsonLdContextLocation": base_url + CONTEXT_PATH,
        "linkTypeDefaultCanBeLinkset": False,
    }
