"""The small demo's cast and plan, as data: its organizations and users,
their plots, this season's nursery batches, plantings, shipments, products
and buyers. `small.py` makes them through the services."""

ORGANIZATIONS = [
    # name, kind, township, credit code, position (lat, lon) for the nurseries and processors on the county's map
    ("酉阳县林业局", "bureau", "钟多街道", "11500242MB1520001K", None),
    ("酉阳县油茶良种苗圃", "nursery", "钟多街道", "12500242MB1520102T", ("28.842100", "108.767300")),
    ("酉阳县龙潭绿源油茶育苗基地", "nursery", "龙潭镇", "92500242MA60ABC12X", ("28.695400", "108.958200")),
    ("酉阳县麻旺镇兴旺油茶种植专业合作社", "cooperative", "麻旺镇", "93500242MA5U8QW21P", None),
    ("酉阳县龙潭镇青山油茶专业合作社", "cooperative", "龙潭镇", "93500242MA5YH7K33D", None),
    ("酉阳县兴隆镇金果油茶专业合作社", "cooperative", "兴隆镇", "93500242MA60CC4R9N", None),
    ("酉阳县黑水镇山花油茶专业合作社", "cooperative", "黑水镇", "93500242MA61DF5T2M", None),
    ("酉阳县桃花源茶油有限公司", "processor", "桃花源街道", "91500242MA5UXY8E7B", ("28.851600", "108.752400")),
    ("重庆酉州山茶油加工厂", "processor", "大溪镇", "91500242MA60GH6J4C", ("28.985300", "108.853700")),
]

# Public contact (oilchain.auth.contact): name -> (GLN or None, phone, address). The
# bureau's phone is the county's hotline for recalls and doubtful codes; the
# processors have GLNs (GS1 China prefix 692, valid check digits), so the
# EPCIS export names them by GLN and the others by their public pages.
CONTACTS = {
    "酉阳县林业局": (None, "023-75552110", "重庆市酉阳县钟多街道桃花源大道 18 号"),
    "酉阳县油茶良种苗圃": (None, "023-75553021", "重庆市酉阳县钟多街道钟南村"),
    "酉阳县龙潭绿源油茶育苗基地": (None, "13896310452", "重庆市酉阳县龙潭镇梅树村 3 组"),
    "酉阳县麻旺镇兴旺油茶种植专业合作社": (None, "13709442187", "重庆市酉阳县麻旺镇麻旺村 5 组"),
    "酉阳县龙潭镇青山油茶专业合作社": (None, "15923578614", "重庆市酉阳县龙潭镇梅树村 1 组"),
    "酉阳县兴隆镇金果油茶专业合作社": (None, "18723096531", "重庆市酉阳县兴隆镇兴隆村 2 组"),
    "酉阳县黑水镇山花油茶专业合作社": (None, "13608263375", "重庆市酉阳县黑水镇平地坝村 4 组"),
    "酉阳县桃花源茶油有限公司": ("6920001000011", "023-75558866", "重庆市酉阳县桃花源街道桃花源工业园 6 号"),
    "重庆酉州山茶油加工厂": ("6920001000028", "023-75601234", "重庆市酉阳县大溪镇大溪村 8 组"),
}

USERS = [
    # username, role, organization, display name
    ("admin", "admin", "酉阳县林业局", "系统管理员"),
    ("manager", "manager", "酉阳县林业局", "冉科长"),
    ("nursery", "nursery", "酉阳县油茶良种苗圃", "白技术员"),
    ("nursery2", "nursery", "酉阳县龙潭绿源油茶育苗基地", "彭场长"),
    ("coop", "cooperative", "酉阳县麻旺镇兴旺油茶种植专业合作社", "田社长"),
    ("coop2", "cooperative", "酉阳县龙潭镇青山油茶专业合作社", "杨社长"),
    ("coop3", "cooperative", "酉阳县兴隆镇金果油茶专业合作社", "何会计"),
    ("coop4", "cooperative", "酉阳县黑水镇山花油茶专业合作社", "石社长"),
    ("processor", "processor", "酉阳县桃花源茶油有限公司", "陈厂长"),
    ("processor2", "processor", "重庆酉州山茶油加工厂", "罗经理"),
]

# Per cooperative: its plots as (name, village, area in mu, year planted, lat, lon).
PLOTS = {
    "酉阳县麻旺镇兴旺油茶种植专业合作社": [
        ("老屋基油茶园", "麻旺村", "86.50", 2010, "28.652310", "108.931120"),
        ("大坪油茶园", "红庄村", "54.00", -6, "28.637800", "108.944600"),
        ("新寨新造林地", "光明村", "30.00", None, "28.661500", "108.920700"),
    ],
    "酉阳县龙潭镇青山油茶专业合作社": [
        ("青山坡油茶园", "梅树村", "120.00", 2009, "28.701200", "108.962400"),
        ("后槽油茶园", "堰提村", "45.80", -6, "28.690900", "108.978100"),
        ("枫香坪新造林地", "清泉村", "25.00", None, "28.713300", "108.951800"),
    ],
    "酉阳县兴隆镇金果油茶专业合作社": [
        ("金竹湾油茶园", "兴隆村", "72.30", 2012, "28.921400", "108.608300"),
        ("柏香坡油茶园", "红花村", "38.60", 2015, "28.934700", "108.597200"),
    ],
    "酉阳县黑水镇山花油茶专业合作社": [
        ("马鞍山油茶园", "黑水村", "64.00", 2011, "28.732800", "108.615900"),
        ("山花新造林地", "大涵村", "40.00", None, "28.741100", "108.628400"),
    ],
}

# Per processor: its products as (name, first 13 digits of the GTIN (the check
# digit is computed), ml, fill g, shelf life days, lowest grade it may be sold
# at). The 一级 (grade one) oil is sold only with a test that reaches grade one.
GTIN_BASES = {
    "酉阳县桃花源茶油有限公司": [("桃花源 压榨山茶油 500ml", "0692000123450", 500, 458, 540, None),
                                 ("桃花源 压榨山茶油 1.8L 礼盒", "0692000123451", 1800, 1647, 540, None)],
    "重庆酉州山茶油加工厂": [("酉州 一级山茶油 1L", "0692000567890", 1000, 915, 540, "grade1")],
}

# This season's batches, grafted last spring: nursery user, variety, propagation,
# scion source, plants started, grade I, grade II, rejected.
BATCHES = [
    ("nursery", "长林4号", "grafting", "国家油茶良种基地长林4号采穗圃", 180_000, 126_000, 41_000, 6_500),
    ("nursery", "长林40号", "grafting", "国家油茶良种基地长林40号采穗圃", 150_000, 99_000, 38_500, 5_900),
    ("nursery", "湘林210", "cutting", "湖南省林科院湘林210采穗圃", 60_000, 37_800, 15_600, 3_300),
    ("nursery2", "长林53号", "grafting", "酉阳县油茶良种采穗圃", 90_000, 61_200, 20_100, 4_200),
]

# New plantings at about 105 plants/mu, and replanting gaps on bearing plots
# (renovation); survival checked in September, most accepted by the bureau in
# the autumn, one still waiting.
PLANTINGS = [  # plot, batch (index in BATCHES), kind, renovation method, area in mu, plants per mu, accepted share (%)
    ("新寨新造林地", 0, "new", None, None, 105, 100),
    ("枫香坪新造林地", 1, "new", None, None, 105, 92),
    ("山花新造林地", 3, "new", None, None, 105, None),
    ("老屋基油茶园", 0, "renovation", "replanting", "20.00", 90, 100),
    ("青山坡油茶园", 1, "renovation", "replanting", "35.00", 90, 100),
    ("金竹湾油茶园", 2, "renovation", "replanting", "18.50", 90, 100),
    ("马鞍山油茶园", 3, "renovation", "replanting", "22.00", 90, 85),
]

# Where each cooperative's seed goes: cooperative, the processor's user.
SHIPPING = [
    ("酉阳县麻旺镇兴旺油茶种植专业合作社", "processor"),
    ("酉阳县龙潭镇青山油茶专业合作社", "processor"),
    ("酉阳县兴隆镇金果油茶专业合作社", "processor2"),
    ("酉阳县黑水镇山花油茶专业合作社", "processor2"),
]

BUYERS = [  # name, channel, price of a 500 ml bottle in fen
    ("重庆永辉超市有限公司", "supermarket", 12800),
    ("酉阳县桃花源景区旅游商品店", "retail", 13800),
    ("京东自营山茶油旗舰店", "online", 12500),
    ("成都红旗连锁股份有限公司", "wholesale", 11200),
]
