import json,sys,collections
p=json.load(open(sys.argv[1]))
nodes={n['id']:n for n in p['nodes']}
parent={}
for n in p['nodes']:
    for c in n.get('children',[]): parent[c]=n['id']
self_t=collections.Counter()
dt=p['timeDeltas']; samples=p['samples']
for s,d in zip(samples,dt): self_t[s]+=d
total=sum(dt)
# self time by function
byfn=collections.Counter()
for nid,t in self_t.items():
    cf=nodes[nid]['callFrame']; byfn[(cf['functionName'] or '(anon)')+' '+cf['url'].split('/node_modules/')[-1].split('/work/main/')[-1]+':'+str(cf['lineNumber'])]+=t
print('total ms',total/1000)
for k,v in byfn.most_common(25): print(f"{v/total*100:5.1f}% {k}")
# inclusive by package
incl=collections.Counter()
for nid,t in self_t.items():
    seen=set(); x=nid
    while x is not None:
        cf=nodes[x]['callFrame']; u=cf['url']
        key=u.split('/node_modules/')[1].split('/')[0] if '/node_modules/' in u else ('src:'+u.split('/work/main/')[-1] if '/work/main/' in u else u or cf['functionName'])
        if key not in seen: incl[key]+=t; seen.add(key)
        x=parent.get(x)
print('--- inclusive by module')
for k,v in incl.most_common(30): print(f"{v/total*100:5.1f}% {k}")
