"""The county's organizations and their users: the bureau (admin and
manager), the nurseries, the cooperatives of the 39 townships and the
processors, each with a valid unified social credit code and a public
contact (the bureau's phone is the county hotline), the processors and
nurseries with a GLN (GS1 China prefix 692, GS1's check digit, unique); the
townships' centres the plots lie around, and the nurseries' and processors'
positions near their township's centre, all inside the county's outline."""

from datetime import date
from random import Random

from werkzeug.security import generate_password_hash

from ... import codes, geo
from ...auth import services as auth_services
from ..common import DEMO_PASSWORD
from .memory_ledger import utc_at
from .plan import COOPERATIVES, NURSERIES, PLACE_WORDS, PROCESSORS
from .state import County

CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
SURNAMES = "田杨何石冉白彭陈罗向张李王刘黄吴赵周"
SITE_SPREAD_E6 = 10_000  # a nursery or processor within about 1 km of its township's centre
PLACED_KINDS = ("nursery", "processor")  # the kinds with a position on the map
GLN_KINDS = ("nursery", "processor")  # the kinds with a GLN: they ship to buyers' systems
GLN_PREFIX = "6920002"  # GS1 China's 692 and a company prefix; the organization id makes the location reference
HOTLINE = "023-75552110"  # the bureau's phone: the county's hotline for recalls and doubtful codes
PROCESSOR_SEATS = ("钟多街道", "桃花源街道", "龙潭镇", "麻旺镇", "大溪镇", "酉酬镇", "兴隆镇", "丁市镇", "龚滩镇", "黑水镇")


def credit_code(rng: Random, kind: str) -> str:
    """A unified social credit code (GB 32100-2015) of Youyang (division
    500242): registration office and type, the 9-character organization code
    with its GB 11714 check, and the final check character."""
    prefix = {"cooperative": "93", "processor": "91", "nursery": "92", "bureau": "11"}[kind]
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    total = sum(CREDIT_CHARS.index(c) * w if c.isdigit() else (ord(c) - 55) * w for c, w in zip(body, ORG_CODE_WEIGHTS))
    check9 = 11 - total % 11
    org_code = body + ("X" if check9 == 10 else "0" if check9 == 11 else str(check9))
    first17 = prefix + "500242" + org_code
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS))
    return first17 + CREDIT_CHARS[(31 - total % 31) % 31]


def gln(org_id: int) -> str:
    """A GLN of the county's range: 12 digits and GS1's check digit."""
    body = f"{GLN_PREFIX}{org_id:05d}"
    return body + str(codes.gtin_check_digit(body))


def contact(org_id: int, kind: str, township: str) -> dict:
    """The organization's GLN, phone and address, drawn from a generator of
    its own id (so the rest of the county's data does not move)."""
    if kind == "bureau":
        return dict(gln=None, phone=HOTLINE, address=f"重庆市酉阳县{township}桃花源大道 18 号")
    rng = Random(org_id)
    word = rng.choice(PLACE_WORDS)
    if kind == "cooperative":  # a mobile number, an address in a village group
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        address = f"重庆市酉阳县{township}{word}村 {rng.randint(1, 9)} 组"
    else:
        phone = f"023-7{rng.randint(5550000, 5659999)}"
        address = f"重庆市酉阳县{township}{word}路 {rng.randint(1, 199)} 号"
    return dict(gln=gln(org_id) if kind in GLN_KINDS else None, phone=phone, address=address)


def organizations(county: County) -> None:
    """The bureau with its admin and manager, then the nurseries, the
    cooperatives (every township in turn) and the processors, names unique."""
    rng = county.rng
    names = list(county.townships)
    county.centers = {t: geo.random_point(rng) for t in names}  # evenly inside the outline
    password = generate_password_hash(DEMO_PASSWORD, method=auth_services.PASSWORD_METHOD)
    county.orgs = {"bureau": [], "nursery": [], "cooperative": [], "processor": []}
    used: set[str] = set()
    county.bureau = add(county, password, "bureau", "酉阳县林业局", "钟多街道", "admin", "系统管理员", role="admin")
    county.manager = county.next_id("user")
    county.rows["user"].append(dict(id=county.manager, username="manager", display_name="冉科长", password_hash=password,
                                    role="manager", organization_id=county.bureau["id"], active=True,
                                    created_at=county.rows["user"][0]["created_at"]))
    for i in range(NURSERIES):
        township = names[i % len(names)] if i < len(names) else rng.choice(names)
        add(county, password, "nursery", unique_name(rng, used, township, "油茶育苗基地"), township, f"nursery{i + 1:02d}",
            f"{rng.choice(SURNAMES)}场长")
    for i in range(COOPERATIVES):
        township = names[i % len(names)]
        add(county, password, "cooperative", unique_name(rng, used, township, "油茶种植专业合作社"), township,
            f"coop{i + 1:03d}", f"{rng.choice(SURNAMES)}社长")
    for i in range(PROCESSORS):
        township = PROCESSOR_SEATS[i % len(PROCESSOR_SEATS)]
        add(county, password, "processor", processor_name(rng, used, i), township, f"processor{i + 1:02d}",
            f"{rng.choice(SURNAMES)}厂长")
    county.by_id = {org["id"]: org for kind in county.orgs.values() for org in kind}


def add(county: County, password: str, kind, name, township, username, display, role=None) -> dict:
    """An organization with its one user; returns the org as the steps see it."""
    org_id = county.next_id("organization")
    user_id = county.next_id("user")
    created = utc_at(date(county.year - 12 if kind != "cooperative" else county.year - 10, 1, 5), county.rng)
    lat, lon = (geo.random_point_inside(county.rng, county.centers[township], SITE_SPREAD_E6) if kind in PLACED_KINDS
                else (None, None))
    county.rows["organization"].append(dict(id=org_id, name=name, kind=kind, credit_code=credit_code(county.rng, kind),
                                            township_id=county.townships[township], created_at=created,
                                            latitude_e6=lat, longitude_e6=lon, **contact(org_id, kind, township)))
    county.rows["user"].append(dict(id=user_id, username=username, display_name=display, password_hash=password,
                                    role=role or kind, organization_id=org_id, active=True, created_at=created))
    org = {"id": org_id, "user": user_id, "name": name, "township": township, "kind": kind, "created_at": created}
    county.orgs[kind].append(org)
    return org


def unique_name(rng: Random, used: set[str], township: str, suffix: str) -> str:
    while (name := f"酉阳县{township}{rng.choice(PLACE_WORDS)}{suffix}") in used:
        pass
    used.add(name)
    return name


def processor_name(rng: Random, used: set[str], i: int) -> str:
    """The first processor is the Taohuayuan company of the small demo."""
    while True:
        word = rng.choice(PLACE_WORDS)
        name = (f"酉阳县{word}茶油有限公司" if i % 3 else f"重庆{word}山茶油加工厂") if i else "酉阳县桃花源茶油有限公司"
        if name not in used:
            break
    used.add(name)
    return name
