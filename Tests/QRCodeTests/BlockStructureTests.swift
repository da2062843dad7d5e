import Testing

@testable import QRCode

@Suite("Versions, capacities and block structure")
struct BlockStructureTests {
    @Test("block structure matches ISO/IEC 18004 Table 9 for every version and level")
    func matchesTableNine() {
        for version in 1...40 {
            for level in ErrorCorrection.allCases {
                let structure = BlockStructure(version: version, errorCorrection: level)
                let reference = ReferenceTables.blocks(version: version, level: level.description)
                #expect(structure.ecCodewordsPerBlock == reference.ecPerBlock, "\(version)-\(level)")
                #expect(structure.dataCodewordsPerBlock == reference.dataPerBlock, "\(version)-\(level)")
            }
        }
    }

    @Test("spot rows agree with the Thonky tutorial's block table")
    func spotRows() {
        // (version, level, EC per block, group 1 blocks, group 1 data, group 2 blocks)
        let rows: [(Int, ErrorCorrection, Int, Int, Int, Int)] = [
            (1, .low, 7, 1, 19, 0), (5, .quartile, 18, 2, 15, 2), (5, .high, 22, 2, 11, 2),
            (10, .medium, 26, 4, 43, 1), (22, .high, 24, 34, 13, 0), (40, .low, 30, 19, 118, 6),
            (40, .medium, 28, 18, 47, 31), (40, .quartile, 30, 34, 24, 34), (40, .high, 30, 20, 15, 61),
        ]
        for (version, level, ec, blocks1, data1, blocks2) in rows {
            let structure = BlockStructure(version: version, errorCorrection: level)
            #expect(structure.ecCodewordsPerBlock == ec, "\(version)-\(level)")
            #expect(structure.group1Blocks == blocks1, "\(version)-\(level)")
            #expect(structure.group1DataCodewords == data1, "\(version)-\(level)")
            #expect(structure.group2Blocks == blocks2, "\(version)-\(level)")
        }
    }

    @Test("byte-mode capacities match ISO/IEC 18004 Table 7")
    func byteCapacities() {
        let expected: [Int: [Int]] = [
            1: [17, 14, 11, 7], 2: [32, 26, 20, 14], 3: [53, 42, 32, 24], 4: [78, 62, 46, 34],
            5: [106, 84, 60, 44], 6: [134, 106, 74, 58], 7: [154, 122, 86, 64], 8: [192, 152, 108, 84],
            9: [230, 180, 130, 98], 10: [271, 213, 151, 119], 40: [2953, 2331, 1663, 1273],
        ]
        for (version, capacities) in expected {
            let computed = ErrorCorrection.allCases.map {
                BlockStructure.byteCapacity(version: version, errorCorrection: $0)
            }
            #expect(computed == capacities, "version \(version)")
        }
    }

    @Test("alignment pattern centres match ISO/IEC 18004 Annex E")
    func alignmentCenters() {
        #expect((1...40).map { ModuleMatrix.alignmentCenters(version: $0) } == ReferenceTables.alignmentCenters)
    }

    @Test("the data module count equals the modules the function patterns leave free")
    func dataModules() {
        for version in 1...40 {
            let free = ModuleMatrix(version: version).isFunction.filter { !$0 }.count
            #expect(BlockStructure.dataModules(version: version) == free, "version \(version)")
        }
    }

    @Test("chooses the smallest version that holds the data")
    func smallestVersion() {
        #expect(BlockStructure.smallestVersion(byteCount: 0, errorCorrection: .high) == 1)
        #expect(BlockStructure.smallestVersion(byteCount: 14, errorCorrection: .medium) == 1)
        #expect(BlockStructure.smallestVersion(byteCount: 15, errorCorrection: .medium) == 2)
        #expect(BlockStructure.smallestVersion(byteCount: 2953, errorCorrection: .low) == 40)
        #expect(BlockStructure.smallestVersion(byteCount: 2954, errorCorrection: .low) == nil)
    }
}
