/** Hands out ids unique across the whole dataset (users, orgs, repos, reviews, comments). */
export interface IdSequence {
  next(): number;
  /** The id the next call would return; stored as `SimDataset.nextId`. */
  peek(): number;
}

export function createIdSequence(firstId: number): IdSequence {
  let nextId = firstId;
  return {
    next: () => {
      const id = nextId;
      nextId += 1;
      return id;
    },
    peek: () => nextId,
  };
}
