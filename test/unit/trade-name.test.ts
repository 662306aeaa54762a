import { describe, expect, it } from 'vitest';
import { deriveTradeName } from '../../src/customers/rules/e1-trade-name.js';

/** [registered name, expected key] */
const registeredNames: ReadonlyArray<readonly [string, string]> = [
  // The domain's own example and its variants.
  ['靖江市春意空调有限公司', '春意'],
  ['江苏省靖江市春意空调设备有限公司', '春意'],
  ['江苏靖江春意空调设备有限公司', '春意'],
  ['靖江春意空调有限公司', '春意'],
  ['靖江市春意空调厂', '春意'],
  ['靖江春意五金经营部', '春意'],
  // Regions: provinces, autonomous regions, municipalities, cities, districts, zones.
  ['上海市浦东新区华力电子科技有限公司', '华力'],
  ['浦东新区华力电子科技有限公司', '华力'],
  ['深圳市腾讯计算机系统有限公司', '腾讯'],
  ['深圳市南山区春意网络科技有限公司', '春意'],
  ['深圳市福田区春意贸易有限公司', '春意'],
  ['北京市海淀区星海信息技术有限公司', '星海'],
  ['北京京东世纪贸易有限公司', '京东世纪'],
  ['北京字节跳动科技有限公司', '字节跳动'],
  ['苏州工业园区春意科技有限公司', '春意'],
  ['无锡市春意机械设备有限公司', '春意'],
  ['江阴市华宏化工有限公司', '华宏'],
  ['昆山春意精密机械有限公司', '春意'],
  ['杭州萧山春意纺织有限公司', '春意'],
  ['杭州市余杭区春意文化传媒有限公司', '春意'],
  ['佛山市顺德区美的电器有限公司', '美的'],
  ['西安市长安区春意餐饮管理有限公司', '春意'],
  ['上海市金山区春意化工有限公司', '春意'],
  ['广西壮族自治区春意食品有限公司', '春意'],
  ['新疆维吾尔自治区春意物流有限公司', '春意'],
  ['内蒙古伊利实业集团股份有限公司', '伊利'],
  ['云南白药集团股份有限公司', '白药'],
  ['珠海格力电器股份有限公司', '格力'],
  ['杭州海康威视数字技术股份有限公司', '海康威视'],
  // Regions that are also trade words are stripped only with their suffix (金山区, not 金山).
  ['北京金山软件有限公司', '金山'],
  ['重庆长安汽车股份有限公司', '长安'],
  ['阿里巴巴（中国）网络技术有限公司', '阿里巴巴'],
  // Regions in brackets, half- and full-width.
  ['春意空调（靖江）有限公司', '春意'],
  ['春意空调(江苏)有限公司', '春意'],
  ['江苏春意（靖江）空调设备有限公司', '春意'],
  ['ＡＢＢ（中国）有限公司', 'abb'],
  ['春意（集团）有限公司', '春意'],
  // Branches count as their parent.
  ['春意空调有限公司靖江分公司', '春意'],
  ['春意集团有限公司苏州分公司', '春意'],
  ['中国平安财产保险股份有限公司靖江中心支公司', '平安'],
  // Partnerships, firms, centres.
  ['宁波春意投资管理中心（有限合伙）', '春意'],
  ['江苏天衡会计师事务所（特殊普通合伙）', '天衡'],
  ['苏州春意服装加工厂', '春意'],
  // Latin letters, full-width or not, and stray whitespace.
  ['苏州ABB电机有限公司', 'abb'],
  ['苏州ＡＢＢ电机有限公司', 'abb'],
  ['上海 春意 贸易 有限公司', '春意'],
  ['靖江市　春意空调　有限公司', '春意'],
  // Group names.
  ['美的集团股份有限公司', '美的'],
  ['万科企业股份有限公司', '万科'],
  ['小米科技有限责任公司', '小米'],
  // Nothing to strip beyond the form.
  ['春意有限公司', '春意'],
  ['春意秋实有限公司', '春意秋实'],
  ['华夏幸福基业股份有限公司', '华夏幸福基业'],
  // Guards: never less than two characters.
  ['上海电气集团股份有限公司', '电气'],
  ['中国有限公司', '中国'],
  ['上海公司', '上海'],
];

describe('deriveTradeName', () => {
  describe('E1/E4 trade-name key', () => {
    it.each(registeredNames)('should derive the key of %s as %s', (name, key) => {
      expect(deriveTradeName(name)).toBe(key);
    });

    it('should give every spelling of the domain example the same key (E2: 春意 finds them all)', () => {
      const spellings = ['靖江市春意空调有限公司', '江苏省靖江市春意空调设备有限公司', '春意空调（靖江）有限公司', '春意空调有限公司靖江分公司'];
      expect(new Set(spellings.map(deriveTradeName))).toEqual(new Set(['春意']));
    });
  });

  describe('E1 normalisation', () => {
    it('should read full-width letters, digits and brackets as half-width', () => {
      expect(deriveTradeName('Ｂ２Ｂ（江苏）有限公司')).toBe(deriveTradeName('B2B(江苏)有限公司'));
    });

    it('should lower-case Latin letters', () => {
      expect(deriveTradeName('IBM（中国）有限公司')).toBe('ibm');
    });

    it('should keep bracketed text that is not a region', () => {
      expect(deriveTradeName('春意（华东）贸易有限公司')).toBe('春意(华东)');
    });
  });

  describe('E1 region prefixes', () => {
    const provinces = [
      ['北京市', '北京'],
      ['天津市', '天津'],
      ['上海市', '上海'],
      ['重庆市', '重庆'],
      ['河北省', '河北'],
      ['山西省', '山西'],
      ['辽宁省', '辽宁'],
      ['吉林省', '吉林'],
      ['黑龙江省', '黑龙江'],
      ['江苏省', '江苏'],
      ['浙江省', '浙江'],
      ['安徽省', '安徽'],
      ['福建省', '福建'],
      ['江西省', '江西'],
      ['山东省', '山东'],
      ['河南省', '河南'],
      ['湖北省', '湖北'],
      ['湖南省', '湖南'],
      ['广东省', '广东'],
      ['海南省', '海南'],
      ['四川省', '四川'],
      ['贵州省', '贵州'],
      ['云南省', '云南'],
      ['陕西省', '陕西'],
      ['甘肃省', '甘肃'],
      ['青海省', '青海'],
      ['台湾省', '台湾'],
      ['内蒙古自治区', '内蒙古'],
      ['广西壮族自治区', '广西'],
      ['西藏自治区', '西藏'],
      ['宁夏回族自治区', '宁夏'],
      ['新疆维吾尔自治区', '新疆'],
      ['香港特别行政区', '香港'],
      ['澳门特别行政区', '澳门'],
    ] as const;

    it.each(provinces)('should strip the provincial-level region %s and its short form %s', (full, short) => {
      expect(deriveTradeName(`${full}春意贸易有限公司`)).toBe('春意');
      expect(deriveTradeName(`${short}春意贸易有限公司`)).toBe('春意');
    });

    const citiesAndDistricts = [
      ['苏州', '市'],
      ['无锡', '市'],
      ['泰州', '市'],
      ['乌鲁木齐', '市'],
      ['齐齐哈尔', '市'],
      ['江阴', '市'],
      ['顺德', '区'],
      ['宝安', '区'],
      ['海淀', '区'],
      ['朝阳', '区'],
      ['如东', '县'],
    ] as const;

    it.each(citiesAndDistricts)('should strip %s with or without its suffix %s', (region, suffix) => {
      expect(deriveTradeName(`${region}春意贸易有限公司`)).toBe('春意');
      expect(deriveTradeName(`${region}${suffix}春意贸易有限公司`)).toBe('春意');
    });

    it('should strip a region only at the start of the name', () => {
      expect(deriveTradeName('春意江苏贸易有限公司')).toBe('春意江苏');
    });

    it('should keep a region when less than two characters would remain', () => {
      expect(deriveTradeName('中国有限公司')).toBe('中国');
      expect(deriveTradeName('江苏华有限公司')).toBe('江苏华');
    });
  });

  describe('E1 industry words', () => {
    it('should strip a listed compound industry word whole', () => {
      expect(deriveTradeName('华力电子科技有限公司')).toBe('华力');
    });

    it('should strip stacked industry words one after another (E1)', () => {
      expect(deriveTradeName('春意空调贸易有限公司')).toBe('春意');
      expect(deriveTradeName('无锡市宏达机械制造有限公司')).toBe('宏达');
      expect(deriveTradeName('泰州同创医药包装有限公司')).toBe('同创');
    });

    it('should keep the industry word when less than two characters would remain', () => {
      expect(deriveTradeName('华科技有限公司')).toBe('华科技');
      expect(deriveTradeName('电气有限公司')).toBe('电气');
    });
  });

  describe('edge cases', () => {
    it.each(['', '   ', '\u3000\t\n'])('should return an empty key for blank input %j', (blank) => {
      expect(deriveTradeName(blank)).toBe('');
    });

    it.each(['有限公司', '股份有限公司', '集团有限公司', '公司', '厂'])('should return an empty key for %s, which is only an organisation form', (form) => {
      expect(deriveTradeName(form)).toBe('');
    });
  });

  describe('idempotence', () => {
    it.each(registeredNames)('should derive the key of %s from its own key again', (name) => {
      const key = deriveTradeName(name);
      expect(deriveTradeName(key)).toBe(key);
    });
  });
});
