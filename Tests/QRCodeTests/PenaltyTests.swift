import Testing

@testable import QRCode

@Suite("Mask penalty rules")
struct PenaltyTests {
    /// Rules N1 and N3 for one row written with `#` for dark and `.` for light.
    private func linePenalty(_ text: String) -> Int {
        ModuleMatrix.linePenalty(text.map { $0 == "#" }, start: 0, step: 1, count: text.count)
    }

    @Test("N1 scores 3 for a run of five and one more for each further module")
    func runs() {
        #expect(linePenalty("#.#.#.#.") == 0)
        #expect(linePenalty("#####.#.") == 3)
        #expect(linePenalty(".......#") == 5)
        #expect(linePenalty("#.#.#..#......") == 4)
        #expect(linePenalty("#####.....") == 6)
    }

    @Test("N2 scores 3 for each 2 x 2 block of one colour, overlapping ones included")
    func blocks() {
        let checkerboard = (0..<16).map { ($0 / 4 + $0 % 4) % 2 == 0 }
        #expect(ModuleMatrix.blockPenalty(of: checkerboard, size: 4) == 0)
        #expect(ModuleMatrix.blockPenalty(of: Array(repeating: true, count: 9), size: 3) == 12)
    }

    @Test("N3 scores 40 for a finder-like pattern beside four light modules")
    func finderLike() {
        #expect(linePenalty("....#.###.#") == 40)
        #expect(linePenalty("#.###.#....") == 40)
        #expect(linePenalty("#.###.#") == 40)  // the quiet zone is light
        #expect(linePenalty("#...#.###.#...#") == 0)
        #expect(linePenalty("#.#.###.#.....") == 40 + 3)
        #expect(linePenalty("....#.###.#....") == 40, "counted once when light on both sides")
        #expect(linePenalty("..#.###.#.#.###.#..") == 40 + 40, "two patterns, each open on one side")
    }

    @Test("N4 scores 10 for each full 5 % step away from half dark")
    func balance() {
        let half = (0..<100).map { $0 < 50 }
        #expect(ModuleMatrix.balancePenalty(of: half) == 0)
        #expect(ModuleMatrix.balancePenalty(of: (0..<100).map { $0 < 54 }) == 0)
        #expect(ModuleMatrix.balancePenalty(of: (0..<100).map { $0 < 55 }) == 10)
        #expect(ModuleMatrix.balancePenalty(of: (0..<100).map { $0 < 39 }) == 20)
        #expect(ModuleMatrix.balancePenalty(of: Array(repeating: true, count: 100)) == 100)
    }
}
