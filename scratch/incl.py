import json,sys,collections
p=json.load(open(sys.argv[1]))
nodes={n['id']:n for n in p['nodes']}
parent={}
for n in p['nodes']:
    for c in n.get('children',[]): parent[c]=n['id']
self_t=collections.Counter()
for s,d in zip(p['samples'],p['timeDeltas']): self_t[s]+=d
total=sum(p['timeDeltas'])
incl=collections.Counter()
for nid,t in self_t.items():
    seen=set();x=nid
    while x is not None:
        cf=nodes[x]['callFrame']; k=cf['functionName']+'@'+cf['url'].split('/')[-1]
        if k not in seen: incl[k]+=t; seen.add(k)
        x=parent.get(x)
for k,v in incl.most_common(int(sys.argv[2]) if len(sys.argv)>2 else 70):
    if any(s in k for s in sys.argv[3:]) or len(sys.argv)<=3: print(f"{v/total*100:5.1f}% {k}")
