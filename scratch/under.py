import json,sys,collections
p=json.load(open(sys.argv[1])); target=sys.argv[2]
nodes={n['id']:n for n in p['nodes']}
parent={}
for n in p['nodes']:
    for c in n.get('children',[]): parent[c]=n['id']
self_t=collections.Counter()
for s,d in zip(p['samples'],p['timeDeltas']): self_t[s]+=d
# for each sample under target: attribute to the direct child of the (innermost) target frame
child=collections.Counter(); tot=0
for nid,t in self_t.items():
    chain=[];x=nid
    while x is not None: chain.append(x); x=parent.get(x)
    idx=[i for i,c in enumerate(chain) if nodes[c]['callFrame']['functionName']==target]
    if not idx: continue
    i=idx[0]; tot+=t
    c=chain[i-1] if i>0 else chain[i]
    cf=nodes[c]['callFrame']; child[cf['functionName']+'@'+cf['url'].split('/')[-1]+':'+str(cf['lineNumber'])]+=t
print(target,'total ms',tot/1000)
for k,v in child.most_common(15): print(f"  {v/1000:7.1f} ms {k}")
