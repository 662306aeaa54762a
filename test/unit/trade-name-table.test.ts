import { describe, expect, it } from 'vitest';
import { deriveTradeName, TRADE_NAME_KEY_VERSION } from '../../src/customers/rules/e1-trade-name.js';
import { customers } from '../../src/platform/db/schema.js';

/**
 * E1/E4: realistic registered names and the key each must give (issue 13 §1). Each group names
 * what it exercises; a new word list must keep every line.
 */
const table: ReadonlyArray<readonly [string, string]> = [
  // Stacked industry words (issue 13: today only one went).
  ['无锡市宏达机械制造有限公司', '宏达'],
  ['泰州同创医药包装有限公司', '同创'],
  ['泰州市同创包装有限公司', '同创'],
  ['南京华瑞科技发展有限公司', '华瑞'],
  ['杭州云帆电子商务有限公司', '云帆'],
  ['苏州中建建筑工程有限公司', '中建'],
  ['上海博远信息技术服务有限公司', '博远'],
  ['宁波海天进出口贸易有限公司', '海天'],
  ['常州恒立液压设备制造有限公司', '恒立'],
  ['江苏金源环保科技发展有限公司', '金源'],
  ['广州天盛生物医药科技有限公司', '天盛'],
  ['深圳市鹏程电子技术服务有限公司', '鹏程'],
  ['厦门联发国际贸易发展有限公司', '联发'],
  ['温州正泰电气设备制造有限公司', '正泰'],
  ['扬州亚星汽车零部件制造有限公司', '亚星'],
  ['南通海达建筑装饰工程有限公司', '海达'],
  ['成都天府软件技术服务有限公司', '天府'],
  ['青岛海诺食品科技发展有限公司', '海诺'],
  // Regions with and without 省/市/县/区.
  ['江苏省泰州市永安五金有限公司', '永安'],
  ['泰州永安五金有限公司', '永安'],
  ['如东县鑫源纺织有限公司', '鑫源'],
  ['如东鑫源纺织有限公司', '鑫源'],
  ['沛县汉宇机械有限公司', '汉宇'],
  ['浙江省义乌市小商品贸易有限公司', '小商品'],
  ['义乌市恒丰针织有限公司', '恒丰'],
  ['山东省寿光市蔬菜产业集团有限公司', '蔬菜产业'],
  ['河南省郑州市宇通客车股份有限公司', '宇通客车'],
  ['湖北省宜昌市三峡物流有限公司', '三峡'],
  ['四川省绵阳市长虹电器股份有限公司', '长虹'],
  ['贵州省仁怀市茅台酒业有限公司', '茅台'],
  ['福建省晋江市安踏体育用品有限公司', '安踏'],
  ['广东省东莞市长安镇华盛五金有限公司', '长安镇华盛'],
  ['安徽省桐城市双港塑业有限公司', '双港'],
  ['湖南省浏阳市花炮制造有限公司', '花炮'],
  ['黑龙江省五常市金禾米业有限公司', '金禾'],
  ['内蒙古鄂尔多斯市东胜区天骄煤炭有限公司', '天骄煤炭'],
  ['新疆昌吉州天润乳业股份有限公司', '天润'],
  ['云南省大理白族自治州苍山茶业有限公司', '苍山'],
  ['西藏林芝地区雪域旅游开发有限公司', '雪域'],
  ['甘肃省敦煌市飞天文化传播有限公司', '飞天'],
  ['宁夏银川市贺兰山葡萄酒业有限公司', '贺兰山'],
  ['陕西省西安市高新区秦川机床有限公司', '秦川'],
  ['重庆市江津区几江五金有限公司', '几江'],
  ['天津市滨海新区海河船舶工程有限公司', '海河'],
  ['北京市朝阳区星光影视制作有限公司', '星光'],
  ['上海市嘉定区安亭汽车配件有限公司', '安亭'],
  ['海南省三亚市椰风旅游发展有限公司', '椰风'],
  ['吉林省延边朝鲜族自治州长白山矿泉水有限公司', '长白山'],
  // A region that is also a common trade word goes only with its suffix.
  ['永安市永安五金有限公司', '永安'],
  ['新华文化传媒有限公司', '新华'],
  ['大通县大通物流有限公司', '大通'],
  ['东方电气股份有限公司', '东方'],
  // Bracketed regions, half- and full-width.
  ['同创医药包装（苏州）有限公司', '同创'],
  ['同创医药包装(泰州)有限公司', '同创'],
  ['宏达机械制造（江苏）有限公司', '宏达'],
  ['飞利浦（中国）投资有限公司', '飞利浦'],
  ['西门子（深圳）磁共振有限公司', '西门子磁共振'],
  ['博世汽车部件（苏州）有限公司', '博世'],
  ['三星电子（山东）数码打印机有限公司', '三星电子数码打印机'],
  // Branches count as their parent.
  ['泰州同创医药包装有限公司靖江分公司', '同创'],
  ['无锡市宏达机械制造有限公司上海分公司', '宏达'],
  ['中国人民财产保险股份有限公司泰州市分公司', '人民'],
  ['江苏银行股份有限公司泰州分行', '银行'],
  ['招商银行股份有限公司无锡分行', '招商银行'],
  ['春意空调有限公司靖江销售分公司', '春意'],
  // 集团 in every position.
  ['江苏扬子江船业集团有限公司', '扬子江船业'],
  ['江苏扬子江船业集团公司', '扬子江船业'],
  ['海澜集团有限公司', '海澜'],
  ['红豆集团有限公司', '红豆'],
  ['徐工集团工程机械股份有限公司', '徐工'],
  ['苏宁易购集团股份有限公司', '苏宁易购'],
  ['远东控股集团有限公司', '远东'],
  // Latin names, full-width or not.
  ['苏州IBM信息技术服务有限公司', 'ibm'],
  ['ＡＢＣ（无锡）电子科技有限公司', 'abc'],
  ['上海Ｓｉｅｍｅｎｓ医疗器械有限公司', 'siemens'],
  ['3M中国有限公司', '3m中国'],
  ['LG化学（南京）信息电子材料有限公司', 'lg'],
  ['TCL科技集团股份有限公司', 'tcl'],
  // Full-width spaces and punctuation.
  ['泰州　同创　医药包装　有限公司', '同创'],
  ['无锡市 宏达 机械制造 有限公司', '宏达'],
  // Other organisation forms.
  ['靖江市宏达机械制造厂', '宏达'],
  ['泰州市海陵区同创五金经营部', '同创'],
  ['苏州金诚律师事务所', '金诚'],
  ['南京天诚会计师事务所（特殊普通合伙）', '天诚'],
  ['宁波海天投资管理合伙企业（有限合伙）', '海天'],
  ['兴化市绿源农民专业合作社', '绿源'],
  // The key never drops below two characters.
  ['华机械制造有限公司', '华机械'],
  ['泰州市华科技发展有限公司', '华科技'],
];

describe('deriveTradeName', () => {
  describe('E1/E4 a table of registered names', () => {
    it('should hold at least 80 names', () => {
      expect(table.length).toBeGreaterThanOrEqual(80);
    });

    it.each(table)('E1: should derive the key of %s as %s', (name, key) => {
      expect(deriveTradeName(name)).toBe(key);
    });

    it.each(table)('E1: should derive the key of %s from its own key again', (name) => {
      const key = deriveTradeName(name);
      expect(deriveTradeName(key)).toBe(key);
    });
  });

  describe('E1 key version', () => {
    it('should default a stored key to the current derivation version, so only rows written before it are re-derived', () => {
      expect(customers.tradeNameVersion.default).toBe(TRADE_NAME_KEY_VERSION);
    });
  });
});
