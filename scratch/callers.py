import json,sys,collections
p=json.load(open(sys.argv[1])); target=sys.argv[2]
nodes={n['id']:n for n in p['nodes']}
parent={}
for n in p['nodes']:
    for c in n.get('children',[]): parent[c]=n['id']
self_t=collections.Counter()
for s,d in zip(p['samples'],p['timeDeltas']): self_t[s]+=d
stacks=collections.Counter()
for nid,t in self_t.items():
    if nodes[nid]['callFrame']['functionName']!=target: continue
    chain=[];x=parent.get(nid)
    while x is not None and len(chain)<9:
        cf=nodes[x]['callFrame']; chain.append(cf['functionName']+'@'+cf['url'].split('/')[-1]+':'+str(cf['lineNumber'])); x=parent.get(x)
    stacks[' < '.join(chain)]+=t
for k,v in stacks.most_common(6): print(v/1000,'ms',k,'\n')
