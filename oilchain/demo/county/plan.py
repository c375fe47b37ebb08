"""What the county generator aims at, the county's make-up, and the words
its names are made of: places, villages, plots, scion sources, buyers,
bottle sizes, laboratories."""

from ...reference import PLAN_TARGETS

DEFAULT_SEED = 2024
BATCH_ROWS = 5_000  # rows per executemany

# Scale: what the generator aims at (base units), and the county's make-up.
COOPERATIVES = 300
NURSERIES = 36
PROCESSORS = 20
# Bearing plots are added until the yield curve expects the seed the plan
# needs (plots.bearing_plots): about 140,000 mu with the reference curve.
# Those planted from ON_RECORD_SINCE were mostly (ON_RECORD_PERMILLE) planted
# from nursery batches on record, of improved varieties; the others are
# local seedling-grown stands (no planting on record).
ON_RECORD_SINCE = 2012
ON_RECORD_PERMILLE = 700
# New plantings and replantings whose seedlings came from no dispatch on
# record (self-raised or bought outside the county): unknown source for the
# improved-variety share, which lands near 80% by area (plan: 75%).
UNKNOWN_SOURCE_PERMILLE = 200
# How the year's renovations are done, by weight (planting.renovations).
RENOVATION_METHODS = {"replanting": 40, "top_grafting": 25, "tending": 35}
TARGET_SEED_PROCESSED_G = PLAN_TARGETS["seed_processed"]  # 13,000 t
TARGET_OUTPUT_VALUE_FEN = PLAN_TARGETS["output_value"]  # ¥300 million
TARGET_SEEDLINGS = PLAN_TARGETS["seedlings_raised"]
TARGET_NEW_CENTIMU = PLAN_TARGETS["planted_new"]
TARGET_RENOVATED_CENTIMU = PLAN_TARGETS["renovated"]
SEED_SURPLUS_PERMILLE = 22  # seed made beyond what is pressed (kept, in transit, weighing)

PLACE_WORDS = (
    "青山", "金果", "兴旺", "山花", "绿源", "丰收", "富民", "红岩", "翠峰", "茶香", "福源", "鑫农", "龙泉", "白云", "石门",
    "向阳", "桃源", "金秋", "宏达", "双龙", "凤凰", "银杏", "松林", "云岭", "清溪", "春晖", "长青", "万寿", "玉泉", "瑞丰",
    "民丰", "嘉禾", "大地", "山水", "秀峰", "碧水", "阳光", "金山", "花果", "群益",
)
VILLAGE_WORDS = (
    "红庄", "光明", "梅树", "堰提", "清泉", "红花", "大涵", "金竹", "柏香", "桃坡", "石堡", "新田", "长岭", "青杠", "杉树",
    "水井", "茶园", "大坪", "岩口", "凉桥", "高峰", "双河", "木坪", "老寨", "后溪", "龙凤", "马鞍", "枫香", "平阳", "沙坝",
    "楠木", "团结", "胜利", "星火", "民主", "和平", "土坪", "岭口", "池塘", "竹园",
)
PLOT_WORDS = (
    "老屋基", "大坪", "青山坡", "后槽", "金竹湾", "柏香坡", "马鞍山", "枫香坪", "岩脚", "凉风垭", "大湾", "小湾", "坪上",
    "垭口", "长坡", "阳雀坡", "庙坡", "茶林湾", "水井湾", "堰塘坎", "高坎", "松树坳", "白岩", "黄泥坡", "竹林湾", "桐子坪",
)
SCION_SOURCES = {
    "长林4号": "国家油茶良种基地长林4号采穗圃", "长林40号": "国家油茶良种基地长林40号采穗圃",
    "长林53号": "酉阳县油茶良种采穗圃", "长林3号": "国家油茶良种基地长林3号采穗圃", "长林18号": "国家油茶良种基地长林18号采穗圃",
    "湘林210": "湖南省林科院湘林210采穗圃", "华鑫": "国家油茶良种基地华鑫采穗圃", "华金": "国家油茶良种基地华金采穗圃",
    "华硕": "国家油茶良种基地华硕采穗圃", "赣无1号": "江西省林科院赣无1号采穗圃",
}
OUTSIDE_BUYERS = (
    "贵州省铜仁市松桃苗族自治县油茶种植合作社", "湖南省湘西州龙山县林业专业合作社", "湖北省恩施州来凤县油茶种植大户",
    "重庆市秀山县油茶产业发展有限公司", "重庆市彭水县林业局造林项目部", "贵州省铜仁市沿河县油茶基地",
    "重庆市黔江区油茶种植合作社", "湖南省张家界市桑植县造林公司",
)
BUYERS = (  # name, channel, price per kg of oil in fen before scaling
    ("重庆永辉超市有限公司", "supermarket", 11_000), ("重庆新世纪百货连锁经营有限公司", "supermarket", 11_200),
    ("重百超市酉阳店", "supermarket", 11_500), ("成都红旗连锁股份有限公司", "wholesale", 9_600),
    ("重庆商社电器物流中心", "wholesale", 9_400), ("贵阳星力百货集团", "wholesale", 9_800),
    ("长沙友阿粮油批发市场", "wholesale", 9_200), ("京东自营山茶油旗舰店", "online", 12_500),
    ("天猫酉阳山茶油官方旗舰店", "online", 12_800), ("拼多多酉阳特产馆", "online", 11_800),
    ("抖音酉阳好物直播间", "online", 12_200), ("酉阳县桃花源景区旅游商品店", "retail", 13_500),
    ("龙潭古镇特产店", "retail", 13_200), ("酉阳县城农特产品展销中心", "retail", 13_000),
    ("重庆机场特产专卖店", "retail", 14_500), ("重庆市机关事务管理局食堂", "gift", 12_000),
    ("中石化易捷便利店重庆分公司", "retail", 12_600), ("酉阳县总工会职工福利采购", "gift", 12_400),
    ("香港永德贸易有限公司", "export", 12_000), ("上海盒马鲜生", "supermarket", 12_300),
)
BULK_BUYERS = {  # lot kind -> (name, channel) of those buying it by weight
    "oil": (("重庆粮食集团有限责任公司", "wholesale"), ("湖南省长沙市粮油批发市场", "wholesale"),
            ("四川省成都市食用油贸易公司", "wholesale"), ("贵州省贵阳市粮油进出口公司", "export")),
    "cake": (("酉阳县绿丰有机肥厂", "wholesale"), ("重庆市黔江区畜牧饲料公司", "wholesale"),
             ("湖南省湘西州农资经营部", "wholesale")),
    "husk": (("酉阳县生物质燃料厂", "wholesale"), ("重庆市秀山县食用菌种植基地", "wholesale"),
             ("贵州省铜仁市活性炭厂", "wholesale")),
    "saponin": (("重庆市日化有限公司", "wholesale"), ("湖南省长沙市农药助剂厂", "wholesale"),
                ("浙江省金华市洗涤用品公司", "export")),
    "meal": (("酉阳县水产养殖专业合作社", "wholesale"), ("重庆市饲料有限公司", "wholesale")),
    "goods": (("酉阳县农资公司", "wholesale"), ("重百超市酉阳店", "supermarket"), ("酉阳县城农特产品展销中心", "retail"),
              ("拼多多酉阳特产馆", "online")),
}
# name suffix, net content ml, fill g, bottle share by count (of a processor
# making all sizes), price factor per kg (small bottles cost more per kg)
SIZES = (
    ("250ml", 250, 229, 40, 1_150),
    ("500ml", 500, 458, 48, 1_000),
    ("1L", 1000, 915, 8.5, 960),
    ("1.8L 礼盒", 1800, 1647, 3, 1_250),
    ("5L", 5000, 4575, 0.5, 850),
)
LABORATORIES = ("重庆市林产品质量检验检测中心", "酉阳县农产品质量安全检测站", "重庆市粮油质量监督检验站")
