import { describe, expect, it } from "vitest";
import { describeRankChange, rankChanges } from "./shake-up";

describe("the shake-up", () => {
  it("gives each private-board team its public rank and the places it gained or lost", () => {
    const changes = rankChanges(
      [
        { team: "B", rank: 1 },
        { team: "A", rank: 2 },
        { team: "C", rank: 3 },
        { team: "D", rank: 4 },
      ],
      [
        { team: "A", rank: 1 },
        { team: "C", rank: 2 },
        { team: "B", rank: 3 },
      ],
    );
    expect(changes.get("B")).toEqual({ publicRank: 3, change: 2 });
    expect(changes.get("A")).toEqual({ publicRank: 1, change: -1 });
    expect(changes.get("C")).toEqual({ publicRank: 2, change: -1 });
    expect(changes.get("D")).toEqual({ publicRank: null, change: null });
    expect(describeRankChange(changes.get("B")!)).toEqual({ symbol: "▲ 2", label: "up 2 places from 3 on the public board" });
    expect(describeRankChange(changes.get("A")!)).toEqual({ symbol: "▼ 1", label: "down 1 place from 1 on the public board" });
    expect(describeRankChange({ publicRank: 2, change: 0 }).symbol).toBe("–");
    expect(describeRankChange(changes.get("D")!).symbol).toBe("new");
  });
});
