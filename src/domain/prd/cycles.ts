/**
 * Dependency cycles, found with an iterative Tarjan (a recursive one would overflow the stack
 * on a long dependency chain). Reports one cycle per strongly connected component, starting at
 * its earliest node in document order, as a closed path [a, b, …, a].
 */
export function findCycles(nodes: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const order = new Map(nodes.map((node, i) => [node, i]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
  };
  for (const root of nodes) {
    if (index.has(root)) continue;
    visit(root);
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    while (work.length > 0) {
      const frame = work[work.length - 1] as { node: string; next: number };
      const successors = edges.get(frame.node) ?? [];
      const target = successors[frame.next];
      if (target !== undefined) {
        frame.next++;
        if (!order.has(target)) continue;
        if (!index.has(target)) {
          visit(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node) ?? 0, index.get(target) ?? 0));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      const nodeLow = low.get(frame.node) ?? 0;
      if (parent) low.set(parent.node, Math.min(low.get(parent.node) ?? 0, nodeLow));
      if (nodeLow !== index.get(frame.node)) continue;
      const component: string[] = [];
      for (;;) {
        const member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
        if (member === frame.node) break;
      }
      if (component.length > 1) components.push(component);
    }
  }
  const rank = (node: string): number => order.get(node) ?? 0;
  return components
    .map((component) => {
      const start = component.reduce((a, b) => (rank(b) < rank(a) ? b : a));
      return shortestLoop(start, new Set(component), edges);
    })
    .sort((a, b) => rank(a[0] ?? "") - rank(b[0] ?? ""));
}

/** Breadth-first, so the reported cycle is a short one that a reader can follow. */
function shortestLoop(start: string, within: ReadonlySet<string>, edges: ReadonlyMap<string, readonly string[]>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head] as string;
    for (const next of edges.get(node) ?? []) {
      if (!within.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let at: string | undefined = node; at !== undefined && at !== start; at = previous.get(at)) path.push(at);
        path.push(start);
        // Walked backwards from the end; flip to read start -> … -> start.
        return [start, ...path.slice(1, -1).reverse(), start];
      }
      if (previous.has(next) || next === start) continue;
      previous.set(next, node);
      queue.push(next);
    }
  }
  return [start, start];
}
