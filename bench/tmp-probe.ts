import { deriveTradeName } from '../src/customers/rules/e1-trade-name.js';
import words from '../src/customers/rules/e1-trade-name.words.json' with { type: 'json' };
const A = [...'华宏达兴盛鑫恒瑞祥泰丰源永隆昌德信诚益凯康宁嘉和顺佳美创博远航宇星辰光明晨阳春意锦绣润泽汇通立仁义智慧升腾飞龙凤鹏程富贵吉豪雅雄伟俊杰卓越腾冠豪奥优尚品臻铭誉宸森林峰岳川朗晖澜拓'];
const t0 = performance.now();
let n = 0;
for (let i = 0; i < 20000; i++) { deriveTradeName('江苏省靖江市春意空调设备有限公司'); n++; }
console.log('derive µs', ((performance.now() - t0) * 1000) / n);
console.log(A.length, words.regions.length, words.industries.filter((w) => [...w].length === 1));
