import Foundation
import Vapor

/// Leaflet, when its files are there (`scripts/fetch-leaflet.sh`), and the page's own script that
/// draws the selection on it: the map page and the form work without both (the server's SVG, the
/// typed coordinates).
enum LeafletFiles {
    /// The folder Leaflet's files are in (LEAFLET_PATH, or Public/vendor/leaflet).
    static var folder: String {
        ProcessInfo.processInfo.environment["LEAFLET_PATH"] ?? FileManager.default.currentDirectoryPath + "/Public/vendor/leaflet"
    }

    static var available: Bool { FileManager.default.fileExists(atPath: folder + "/leaflet.js") }

    static let allowed = ["leaflet.js", "leaflet.css", "images/layers.png", "images/layers-2x.png", "images/marker-icon.png",
                          "images/marker-icon-2x.png", "images/marker-shadow.png"]

    @Sendable static func serve(_ req: Request) throws -> Response {
        let parts = req.parameters.getCatchall()
        let name = parts.joined(separator: "/")
        guard allowed.contains(name), let data = FileManager.default.contents(atPath: folder + "/" + name) else { throw Problem.notFound() }
        let type = name.hasSuffix(".js") ? "text/javascript; charset=utf-8" : name.hasSuffix(".css") ? "text/css; charset=utf-8" : "image/png"
        return Response(status: .ok, headers: ["Content-Type": type, "Cache-Control": "public, max-age=86400"], body: .init(data: data))
    }

    @Sendable static func script(_ req: Request) -> Response {
        Response(status: .ok, headers: ["Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=3600"],
                 body: .init(string: WorksMapScript.source))
    }
}

enum WorksMapScript {
    /// Draws `data-geojson` on a Leaflet map in `#carte-leaflet` (the SVG is then hidden), and on
    /// the form lets a person draw the work: each click adds a position, the shape's type is
    /// chosen, and the GeoJSON field is filled.
    static let source = #"""
    (function () {
      if (!window.L) { return; }
      var colours = { paving: "#1f5fa8", reconstruction: "#8a3b12", waterSewer: "#0b7a75", bridgeStructure: "#6b3fa0",
        signals: "#b35900", utilities: "#4d6b00", specialEvent: "#b00058", other: "#4a4a4a" };
      function base(el) {
        var map = L.map(el, { zoomSnap: 0.5 });
        var tiles = el.getAttribute("data-tiles");
        if (tiles) { L.tileLayer(tiles, { maxZoom: 19, attribution: el.getAttribute("data-attribution") || "" }).addTo(map); }
        map.setView([46.8, -71.2], 6);
        return map;
      }
      var el = document.getElementById("carte-leaflet");
      if (el) {
        el.hidden = false;
        var svg = document.querySelector(".works-map");
        if (svg) { svg.hidden = true; }
        var map = base(el);
        fetch(el.getAttribute("data-geojson"), { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
          var layer = L.geoJSON(data, {
            style: function (f) { var c = colours[f.properties.genre] || "#4a4a4a"; return { color: c, weight: 4, fillOpacity: 0.3 }; },
            pointToLayer: function (f, latlng) {
              return L.circleMarker(latlng, { radius: 6, color: "#fff", weight: 1.5, fillColor: colours[f.properties.genre] || "#4a4a4a", fillOpacity: 1 });
            },
            onEachFeature: function (f, l) {
              var a = document.createElement("a");
              a.href = f.properties.url;
              a.textContent = f.properties.numero + " — " + f.properties.titre;
              var p = document.createElement("div");
              p.appendChild(a);
              p.appendChild(document.createElement("br"));
              p.appendChild(document.createTextNode(f.properties.proprietaire_nom + " · " + f.properties.debut + " → " + f.properties.fin));
              l.bindPopup(p);
            }
          }).addTo(map);
          if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { maxZoom: 16, padding: [16, 16] }); }
        });
      }
      var draw = document.getElementById("dessin-leaflet");
      var field = document.getElementById("champ-geometrie");
      if (draw && field) {
        draw.hidden = false;
        var dmap = base(draw), points = [], shape = null;
        var kind = document.getElementById("champ-dessin_genre");
        function write() {
          if (shape) { dmap.removeLayer(shape); shape = null; }
          if (!points.length) { return; }
          var coords = points.map(function (p) { return [Math.round(p.lng * 1e7) / 1e7, Math.round(p.lat * 1e7) / 1e7]; });
          var type = kind.value, g;
          if (type === "Point" || coords.length === 1) { g = { type: "Point", coordinates: coords[coords.length - 1] }; }
          else if (type === "Polygon" && coords.length >= 3) { g = { type: "Polygon", coordinates: [coords.concat([coords[0]])] }; }
          else { g = { type: "LineString", coordinates: coords }; }
          field.value = JSON.stringify(g);
          shape = L.geoJSON(g).addTo(dmap);
        }
        try {
          var existing = L.geoJSON(JSON.parse(field.value));
          dmap.fitBounds(existing.getBounds(), { maxZoom: 17 });
          existing.addTo(dmap);
        } catch (e) { /* nothing drawn yet */ }
        dmap.on("click", function (e) { if (kind.value === "Point") { points = []; } points.push(e.latlng); write(); });
        kind.addEventListener("change", write);
        document.getElementById("dessin-effacer").addEventListener("click", function () { points = []; field.value = ""; write(); });
      }
    })();
    """#
}
